# irnn-adding.awk: claims of Le, Jaitly & Hinton 2015 on the adding problem
# (train.csv and time.csv of the same directory).  The training loss is the
# mean over the last three logged steps (batches of 50: one batch's MSE
# scatters by about 10%).  The tanh RNN stays at the baseline 1/6 (within
# 15%); the IRNN and the LSTM with forget bias 1 end below it.  At
# initialisation (step 0, time.csv) the tanh RNN's ||dL/dh_1|| is below
# 1e-10 of ||dL/dh_T|| (a per-step factor near 0.55: sigma_w^2 = 1/3 of
# PyTorch's uniform W_hh), while the IRNN's per-step factor is within 0.05
# of 1 (W_hh = I; ReLU' is 1 where the units are active).
function model_of(id) {
    if (cfg[id, "model"] == "lstm") return "lstm"
    return cfg[id, "recurrent_init"] == "identity" ? "irnn" : "tanh"
}
FILENAME ~ /train.csv$/ {
    id = row["run_id"]
    at_step = row["step"] + 0
    loss[id, at_step] = row["loss"] + 0
    if (at_step > last[id]) last[id] = at_step
    if (at_step > 0 && (!(id in step_gap) || at_step < step_gap[id])) step_gap[id] = at_step
}
FILENAME ~ /time.csv$/ {
    id = row["run_id"]
    if (row["step"] != "0") next
    t = row["t"] + 0
    g[id, t] = row["grad_h_norm"] + 0
    if (t > T[id]) T[id] = t
}
END {
    f = "irnn-adding"
    for (id in last) {
        d = step_gap[id]
        put("loss:" model_of(id), (loss[id, last[id]] + loss[id, last[id] - d] + loss[id, last[id] - 2 * d]) / 3)
    }
    for (id in T) {
        put("ratio:" model_of(id), g[id, 1] / g[id, T[id]])
        put("factor:" model_of(id), (g[id, 1] / g[id, T[id]]) ^ (1 / (T[id] - 1)))
    }
    claim(f, "tanh RNN: final training MSE stays at the baseline 1/6", 1 / 6, "loss:tanh", "rel", 0.15)
    claim(f, "IRNN: final training MSE below the baseline 1/6", 1 / 6, "loss:irnn", "below", 0)
    claim(f, "LSTM, forget bias 1: final training MSE below the baseline 1/6", 1 / 6, "loss:lstm", "below", 0)
    claim(f, "tanh RNN at step 0: ‖dL/dh_1‖ / ‖dL/dh_T‖ below 1e-10 (vanished)", 1e-10, "ratio:tanh", "below", 0)
    claim(f, "IRNN at step 0: per-step factor of ‖dL/dh_t‖ near 1", 1, "factor:irnn", "abs", 0.05)
}
