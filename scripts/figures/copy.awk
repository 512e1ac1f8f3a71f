# copy.awk: claims of the copy task (Arjovsky, Shah & Bengio 2016) from
# train.csv, whose loss and accuracy are over the whole training set (2000
# sequences: no batch scatter).  T = seq_len - 20 is read from runs.csv;
# the baseline is the memoryless strategy's cross-entropy 10 log 8 / (T +
# 20).  Checks of the data: at step 0 the loss is log 9 (9 classes) within
# 3%, which tells 9 classes from 8 (-5.4%) or 10 (+4.8%); at step 200
# every run has learned the blanks and the symbol frequencies but none has
# begun to copy (the loss curves): the loss is the baseline within 2% (the
# training set's own symbol frequencies lower the memoryless optimum by
# about 7 / (2 x 2000) nats a recalled symbol, 0.1% of it) and the
# accuracy is (T + 10 + 10/8) / (T + 20) within 0.005 (blanks right and 1
# in 8 of the recalled symbols; blanks alone would give (T + 10) / (T +
# 20), 0.042 lower).  Then each model's final training loss: the tanh RNN
# stays at the baseline (within 2%), the LSTM and the GRU beat it by at
# least 2% (below 0.98 x the baseline; the plateau's own wobble is under
# 1%).
FILENAME ~ /train.csv$/ {
    id = row["run_id"]
    at_step = row["step"] + 0
    loss[id, at_step] = row["loss"] + 0
    acc[id, at_step] = row["accuracy"] + 0
    if (!(id in last) || at_step > last[id]) last[id] = at_step
}
END {
    f = "copy"
    plateau_step = 200
    for (id in last) {
        T = cfg[id, "seq_len"] - 20
        if (T != T_all && T_all != "") error("copy", "runs of different T (" T " and " T_all ")")
        T_all = T
        put("loss0", loss[id, 0])
        if ((id, plateau_step) in loss) {
            put("plateau_loss", loss[id, plateau_step])
            put("plateau_accuracy", acc[id, plateau_step])
        }
        put("final:" cfg[id, "model"], loss[id, last[id]])
    }
    baseline = 10 * log(8) / (T_all + 20)
    claim(f, "step 0: training loss near log 9 (uniform over the 9 classes)", log(9), "loss0", "rel", 0.03)
    claim(f, sprintf("step %d, every model: training loss at the memoryless baseline 10 log 8 / (T + 20), T = %d", plateau_step, T_all),
          baseline, "plateau_loss", "rel", 0.02)
    claim(f, sprintf("step %d, every model: accuracy (T + 10 + 10/8) / (T + 20) (blanks right, 1 in 8 symbols)", plateau_step),
          (T_all + 10 + 10 / 8) / (T_all + 20), "plateau_accuracy", "abs", 0.005)
    claim(f, "tanh RNN: final training loss stays at the baseline (within 2%)", baseline, "final:rnn", "rel", 0.02)
    claim(f, "LSTM, forget bias 1: final training loss beats the baseline by 2% or more", 0.98 * baseline, "final:lstm", "below", 0)
    claim(f, "GRU: final training loss beats the baseline by 2% or more", 0.98 * baseline, "final:gru", "below", 0)
}
