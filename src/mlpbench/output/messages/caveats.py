"""Warnings by code: what happened (``caveat.<code>``) and what to do about it (``advice.<code>``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "warn.line": ("{where}: {message}. Advice: {advice}.", "{where}：{message}。対処法：{advice}。"),
    "warn.times": ("({n} runs alike)", "（同じ実行が {n} 回）"),
    "warn.where": (" ({mode})", "（{mode}）"),
    "warn.where_phases": (" ({mode}: {phases})", "（{mode}：{phases}）"),
    "warn.none": ("No warnings: every run finished, computed the right losses, and the trials were stable.",
                  "注意事項はありません。すべての実行が完了し、損失は正しく、試行は安定していました。"),
    "warn.none.own": ("No warnings: every run finished, each target's runs computed the same losses as its first run, "
                      "and the trials were stable.",
                      "注意事項はありません。すべての実行が完了し、各対象の実行はその最初の実行と同じ損失を計算し、試行は"
                      "安定していました。"),
    "warn.whole_run": ("the whole run", "実行全体"),
    "run.cold": ("cold trial {index}", "コールド試行 {index}"),
    "run.warm": ("the warm set's first run", "ウォーム試行の最初の実行"),
    "run.sample": ("warm run {index}", "ウォーム実行 {index}"),
    "run.point": ("{point}, first run", "{point} の最初の実行"),
    "run.point_sample": ("{point}, warm run {index}", "{point} のウォーム実行 {index}"),
    # ----- about a set of samples ---------------------------------------------------------------------------
    "caveat.high_variance": ("the trials vary a lot: the IQR is {percent} % of the median",
                             "試行のばらつきが大きく、四分位範囲が中央値の {percent} % です"),
    "advice.high_variance": ("close other programs, pin the thread count with --threads, or add trials",
                             "他のプログラムを閉じるか、--threads でスレッド数を固定するか、試行を増やしてください"),
    "caveat.points_noisy": ("the warm trials of some points vary a lot (the IQR as a share of the median): {points}; "
                            "the comparisons there decide less",
                            "一部の点でウォーム試行のばらつきが大きくなっています（中央値に対する IQR の割合）：{points}。"
                            "これらの点での比較は決着しにくくなります"),
    "advice.points_noisy": ("close other programs, pin the thread count with --threads, or add trials (--warm-runs)",
                            "他のプログラムを閉じるか、--threads でスレッド数を固定するか、試行を増やしてください（--warm-runs）"),
    "advice.points_noisy.pinned": ("close other programs, or add trials (--warm-runs)",
                                   "他のプログラムを閉じるか、試行を増やしてください（--warm-runs）"),
    "advice.high_variance.pinned": ("close other programs, or add trials", "他のプログラムを閉じるか、試行を増やしてください"),
    "caveat.slow_first": ("the first trial took {ratio}× the median of the others",
                          "最初の試行が、他の試行の中央値の {ratio} 倍かかりました"),
    "advice.slow_first": ("likely caches, lazy loading or clock ramp-up: add warm-up runs (--warmup) or discard it",
                          "キャッシュ、遅延読み込み、クロックの立ち上がりが原因の可能性があります。ウォームアップ（--warmup）を増やすか、"
                          "その試行を除いてください"),
    "caveat.outliers": ("outliers by median absolute deviation: {count} of {n} trials",
                        "中央絶対偏差（MAD）で判定すると、{n} 回中 {count} 回の試行が外れ値です"),
    "advice.outliers": ("something else may have used the machine meanwhile; the medians resist a few outliers, but "
                        "rerun on a quiet machine to be sure",
                        "測定中に別の処理がマシンを使っていた可能性があります。中央値は少数の外れ値の影響を受けにくいものの、"
                        "確かめるには負荷のないマシンで再実行してください"),
    "caveat.small_sample": ("with {n} trials the interval [min, max] covers the median with only {coverage} % confidence",
                            "試行 {n} 回では、区間［最小, 最大］が中央値を含む信頼度は {coverage} % しかありません"),
    "advice.small_sample": ("run at least 6 trials for a 95 % interval",
                            "95 % の区間には少なくとも 6 回の試行が必要です"),
    "caveat.not_converged_time": ("the warm trials reached their time limit before the spread fell under 5 % of the median",
                                  "ばらつきが中央値の 5 % 未満になる前に、ウォーム試行が時間の上限に達しました"),
    "advice.not_converged_time": ("raise --warm-time, or quieten the machine",
                                  "--warm-time を増やすか、マシンの負荷を減らしてください"),
    "caveat.not_converged_runs": ("the warm trials reached their count limit before the spread fell under 5 % of the median",
                                  "ばらつきが中央値の 5 % 未満になる前に、ウォーム試行が回数の上限に達しました"),
    "advice.not_converged_runs": ("raise --warm-runs, or quieten the machine",
                                  "--warm-runs を増やすか、マシンの負荷を減らしてください"),
    # ----- about the run --------------------------------------------------------------------------------------
    "caveat.busy": ("the machine was already busy as the run began: a load average of {load:g} on {cores} usable "
                    "cores, so other processes shared them with the trials and every figure may be slower and noisier "
                    "than on a quiet machine",
                    "実行開始時点でマシンはすでに混んでいました（使用可能な {cores} コアに対しロードアベレージ {load:g}）。"
                    "他のプロセスが試行とコアを分け合ったため、どの数値も静かなマシンより遅く、ばらつきが大きい可能性があります"),
    "caveat.busy_now": ("the machine was already busy as the run began: {share:.0f} % of its CPU time went to other "
                        "processes (measured over 0.25 s), so they shared the cores with the trials and every figure may "
                        "be slower and noisier than on a quiet machine",
                        "実行開始時点でマシンはすでに混んでいました（0.25 秒間で CPU 時間の {share:.0f} % がほかのプロセスに"
                        "使われていました）。ほかのプロセスが試行とコアを分け合ったため、どの数値も空いたマシンより遅く、"
                        "ばらつきが大きい可能性があります"),
    "advice.busy_now": ("rerun when the machine is quiet, or pin --threads below the free cores",
                        "マシンが空いているときに再実行するか、--threads を空いているコア数より少なく固定してください"),
    "advice.busy": ("rerun when the machine is quiet, or pin --threads below the free cores",
                    "マシンが空いているときに再実行するか、--threads を空いているコア数より少なく固定してください"),
    "advice.busy.pinned": ("rerun when the machine is quiet", "マシンが空いているときに再実行してください"),
    "advice.busy_now.pinned": ("rerun when the machine is quiet", "マシンが空いているときに再実行してください"),
    "caveat.cold_warm_apart": ("a training step took {cold_us:.0f} µs in the cold trials and {warm_us:.0f} µs warm, "
                               "{ratio:.1f}× apart: more than the first steps' one-off costs usually explain, so the "
                               "machine was likely busy during some of the trials",
                               "学習 1 ステップはコールド試行で {cold_us:.0f} µs、ウォームで {warm_us:.0f} µs と {ratio:.1f} 倍"
                               "離れています。最初のステップの一度きりのコストでは通常説明できない差で、一部の試行中に"
                               "マシンが混んでいた可能性があります"),
    "advice.cold_warm_apart": ("rerun on a quiet machine, or pin --threads; with few steps, add --steps",
                               "空いているマシンで再実行するか --threads を固定してください。ステップ数が少ない場合は "
                               "--steps を増やしてください"),
    "advice.cold_warm_apart.pinned": ("rerun on a quiet machine; with few steps, add --steps",
                                      "空いているマシンで再実行してください。ステップ数が少ない場合は --steps を増やしてください"),
    "caveat.interrupted": ("the run was stopped by {signal} before it finished",
                           "実行は完了前に {signal} で停止されました"),
    "advice.interrupted.bench": ("the finished trials are kept and valid; the same command again, with time for all "
                                 "of them, measures them anew (a bench starts over: these results are then kept as "
                                 "`results.json.previous`)",
                                 "完了した試行は保存されており有効です。時間を確保して同じコマンドを再実行すると、すべてを測り直します"
                                 "（ベンチは最初からやり直し、この結果は `results.json.previous` として残ります）"),
    "advice.interrupted.bench.api": ("the finished trials are kept and valid; the same call again, with time for all of "
                                     "them, measures them anew (a bench starts over: these results are then kept as "
                                     "`results.json.previous`)",
                                     "完了した試行は保存されており有効です。時間を確保して同じ呼び出しを再実行すると、すべてを"
                                     "測り直します（ベンチは最初からやり直し、この結果は `results.json.previous` として残ります）"),
    "advice.interrupted": ("the finished trials are kept and valid; run again for the rest (a sweep continues with "
                           "--resume)",
                           "完了した試行は保存されており有効です。残りは再実行してください（スイープは --resume で続行できます）"),
    "caveat.incomplete": ("the results file is incomplete: the run did not finish",
                          "結果ファイルは不完全で、実行は完了していません"),
    "advice.incomplete": ("run it again, or read these figures as partial", "再実行するか、数値を部分的なものとして読んでください"),
    "caveat.skipped": ("the time limit ran out: {count} measurement(s) were skipped ({items})",
                       "時間の上限に達し、{count} 件の測定を省略しました（{items}）"),
    "advice.skipped": ("raise --time-limit, or continue with --resume", "--time-limit を増やすか、--resume で続行してください"),
    "caveat.run_failed": ("a run failed: “{error}”", "実行が失敗しました：「{error}」"),
    "advice.run_failed": ("its stderr is kept in results.json", "標準エラー出力は results.json に残っています"),
    "caveat.run_timeout": ("a run was killed at its time limit", "実行が時間の上限で強制終了されました"),
    "advice.run_timeout": ("raise --trial-timeout (or --point-timeout for a sweep)",
                           "--trial-timeout（スイープでは --point-timeout）を増やしてください"),
    "caveat.run_diverged": ("a run's loss stopped being finite: it diverged and was not timed",
                            "実行の損失が有限でなくなり（発散）、計測から除外しました"),
    "advice.run_diverged": ("lower --lr", "--lr を下げてください"),
    "caveat.run_oom": ("a run ran out of memory: “{error}”", "実行がメモリ不足になりました：「{error}」"),
    "advice.run_oom": ("lower --n, the widths or the batch", "--n、層の幅、またはバッチを小さくしてください"),
    "caveat.run_unsupported": ("this backend does not run this configuration: “{error}”",
                               "このバックエンドはこの設定では実行できません：「{error}」"),
    "advice.run_unsupported": ("choose another backend for this size", "このサイズでは別のバックエンドを選んでください"),
    "caveat.point_failed": ("the point {point} failed: “{error}”", "点 {point} が失敗しました：「{error}」"),
    "advice.point_failed": ("its stderr is kept in results.json and sweep.jsonl; the other points are unaffected",
                            "標準エラー出力は results.json と sweep.jsonl に残っています。ほかの点には影響しません"),
    "caveat.point_timeout": ("the point {point} was killed at its time limit", "点 {point} が時間の上限で強制終了されました"),
    "advice.point_timeout": ("raise --point-timeout", "--point-timeout を増やしてください"),
    "caveat.point_diverged": ("at the point {point} the loss stopped being finite: it diverged and was not timed",
                              "点 {point} で損失が有限でなくなり（発散）、計測から除外しました"),
    "advice.point_diverged": ("lower --lr", "--lr を下げてください"),
    "caveat.point_oom": ("the point {point} ran out of memory: “{error}”", "点 {point} がメモリ不足になりました：「{error}」"),
    "advice.point_oom": ("sweep below that size, or lower the widths or the batch",
                         "そのサイズより下でスイープするか、層の幅またはバッチを小さくしてください"),
    "caveat.point_unsupported": ("this backend does not run the point {point}: “{error}”",
                                 "このバックエンドは点 {point} を実行できません：「{error}」"),
    "advice.point_unsupported": ("choose another backend for this size", "このサイズでは別のバックエンドを選んでください"),
    "caveat.loss_mismatch": ("a run's losses were up to {early:.1e} away from the CPU's eager loop over the first half "
                             "of its steps and {worst:.1e} over all (tolerances {tol_early:g} and {tol_late:g}): it was "
                             "left out of every figure",
                             "ある実行の損失が CPU の eager ループと、前半で最大 {early:.1e}、全体で最大 {worst:.1e} 異なりました"
                             "（許容 {tol_early:g} と {tol_late:g}）。すべての数値から除外しています"),
    "caveat.loss_mismatch_own": ("a run's losses were up to {early:.1e} away from the first run of the same target over the "
                                 "first half of its steps and {worst:.1e} over all (tolerances {tol_early:g} and "
                                 "{tol_late:g}), though every run starts from the same weights and random numbers: it "
                                 "was left out of every figure",
                                 "ある実行の損失が、同じ重みと乱数から始めたにもかかわらず同じ対象の最初の実行と、前半で最大 "
                                 "{early:.1e}、全体で最大 {worst:.1e} 異なりました（許容 {tol_early:g} と {tol_late:g}）。"
                                 "すべての数値から除外しています"),
    "caveat.runs_disagree": ("its runs, all started from the same weights and random numbers, disagree with each other "
                             "(up to {worst:.1e}): which of them is right cannot be told, so none of its {n} runs is kept",
                             "同じ重みと乱数から始めた実行どうしの損失が一致しません（最大 {worst:.1e}）。どれが正しいか"
                             "判断できないため、{n} 件の実行をすべて除外しました"),
    "advice.runs_disagree": ("a backend that computes something else from run to run: report it, and trust no timing of it",
                             "実行ごとに別の計算をするバックエンドです。報告し、その時間は信用しないでください"),
    "advice.loss_mismatch_own": ("the runs of one target compute something else each time: report it, and trust no "
                                 "timing of it",
                                 "同じ対象の実行が毎回別の計算をしています。報告し、その時間は信用しないでください"),
    "advice.loss_mismatch": ("a backend or device computes something else: report it, and trust no timing of it",
                             "バックエンドかデバイスが別の計算をしています。報告し、その時間は信用しないでください"),
}
