# synthetic-time.awk: a results directory of known values for the time.csv
# charts (tests/test_time_charts.sh; gawk -v dir=DIR): runs.csv and
# time.csv of an RNN at recurrent_radius 0.8 and 1.2 (two seeds each, two
# layers), an LSTM (forget_bias 1) and a GRU, T = 8 steps, logged at
# training steps 0, 10 and 20.  grad_h_norm is (1 + seed / 100) rho^(T - t)
# (half of it in layer 1) times (1 + step / 100); the LSTM's is 0.73^(T - t),
# its grad_c_norm 0.731^(T - t), its forget gate 0.73 + step / 1000; the
# GRU's update gate 0.4 + t / 100.
BEGIN {
    T = 8
    runs = dir "/runs.csv"; time = dir "/time.csv"
    print "run_id,name,out,model,activation,depth,width,seq_len,seq_output,recurrent_init,recurrent_radius,forget_bias,seed,status,final_loss,final_accuracy" > runs
    print "run_id,step,layer,t,grad_h_norm,grad_c_norm,grad_whh_norm,h_mean,h_std,saturated_frac,gate_i_mean,gate_f_mean,gate_o_mean,gate_r_mean,gate_z_mean" > time
    n = 0
    for (rho = 0.8; rho <= 1.3; rho += 0.4)
        for (seed = 1; seed <= 2; seed++) {
            id = sprintf("rnn%g-%d", rho, seed)
            printf "%s,x,out,rnn,tanh,2,16,%d,last,orthogonal,%g,0,%d,ok,0.5,0.5\n", id, T, rho, seed > runs
            for (step = 0; step <= 20; step += 10)
                for (l = 1; l <= 2; l++)
                    for (t = 1; t <= T; t++)
                        printf "%s,%d,%d,%d,%.17g,,%.17g,0,0.5,0,,,,,\n", id, step, l, t, (1 + 0.01 * seed) * rho ^ (T - t) * (l == 2 ? 1 : 0.5) * (1 + step / 100), 0.1 * t > time
        }
    printf "lstm-1,x,out,lstm,tanh,1,16,%d,last,orthogonal,0,1,1,ok,0.5,0.5\n", T > runs
    for (step = 0; step <= 20; step += 10)
        for (t = 1; t <= T; t++)
            printf "lstm-1,%d,1,%d,%.17g,%.17g,%.17g,0,0.5,0,0.5,%.17g,0.5,,\n", step, t, 0.73 ^ (T - t), 0.731 ^ (T - t), 0.1, 0.73 + step / 1000 > time
    printf "gru-1,x,out,gru,tanh,1,16,%d,last,orthogonal,0,0,1,ok,0.5,0.5\n", T > runs
    for (step = 0; step <= 20; step += 10)
        for (t = 1; t <= T; t++)
            printf "gru-1,%d,1,%d,%.17g,,%.17g,0,0.5,0,,,,0.5,%.17g\n", step, t, 0.9 ^ (T - t), 0.1, 0.4 + t / 100 > time
}
