"""Every word of the report in English and Japanese. Numbers, units and code are never translated."""

from __future__ import annotations

from typing import Any, Iterable

LANGS = ("en", "ja")

# key -> (English, Japanese). Templates use str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # ----- title and sections ------------------------------------------------------------------------
    "title": ("mlpbench report: CPU vs GPU for a small MLP", "mlpbench レポート：小さな MLP の CPU と GPU の比較"),
    "subtitle": ("Measured on {host} ({hardware}) on {date}; mlpbench {version}, commit {commit}.",
                 "測定：{host}（{hardware}）、{date}。mlpbench {version}、コミット {commit}。"),
    "sec.summary": ("Summary", "要約"),
    "sec.requests": ("What was asked, and where it is answered", "ご要望と回答の場所"),
    "sec.config": ("Configuration and the code that ran", "設定と実行したコード"),
    "sec.logs": ("The full log of one run per device", "デバイスごとの実行ログ（各 1 回分）"),
    "sec.env": ("Environment", "実行環境"),
    "sec.results": ("Measurements", "測定結果"),
    "sec.sweep": ("Where does the GPU start to win? (sweep)", "どこから GPU が勝つか（スイープ）"),
    "sec.plots": ("Plots", "グラフ"),
    "sec.conclusions": ("Conclusions", "考察と結論"),
    "sec.warnings": ("Warnings and advice", "注意事項と対処法"),
    # ----- requests ----------------------------------------------------------------------------------
    "req.1": ("Change three_layer_nn_pytorch.py so that it supports NVIDIA GPUs (CUDA): a new script "
              "three_layer_nn_pytorch_cuda.py.",
              "three_layer_nn_pytorch.py を修正し、NVIDIA GPU (CUDA) 処理をサポートする新しいスクリプト "
              "three_layer_nn_pytorch_cuda.py を作成する。"),
    "req.2": ("Define the device for GPU processing and move the data and the model to it.",
              "GPU 処理用のデバイスを定義し、データとモデルをそのデバイスに移動する。"),
    "req.3": ("Also run the original CPU script, for comparison.",
              "比較のために、元の CPU 用スクリプト (three_layer_nn_pytorch.py) も実行する。"),
    "req.4": ("Import time, measure the execution time of both scripts and print it.",
              "time モジュールをインポートし、両方のスクリプトの実行時間を計測して出力する。"),
    "req.5": ("Run the benchmark and compare the two execution times.",
              "ベンチマークを実行し、両方のスクリプトの実行時間を比較する。"),
    "req.6": ("Save all the work, the answers and the requests in one single file.",
              "これまでの作業、回答、要望をすべて 1 つのファイルに保存する。"),
    "req.where.code": ("answered in “Configuration and the code that ran”", "回答：「設定と実行したコード」"),
    "req.where.logs": ("answered in “The full log of one run per device”", "回答：「デバイスごとの実行ログ」"),
    "req.where.results": ("answered in “Measurements”", "回答：「測定結果」"),
    "req.where.conclusions": ("answered in “Measurements” and “Conclusions”", "回答：「測定結果」と「考察と結論」"),
    "req.where.file": ("answered by this file itself", "回答：このファイルそのもの"),
    # ----- configuration -----------------------------------------------------------------------------
    "config.intro": ("The workload is the user's, unchanged unless a flag said otherwise: {describe}.",
                     "ワークロードはユーザーのスクリプトそのままです（フラグで変更した場合を除く）：{describe}。"),
    "config.describe": ("n = {n} ({train} train / {test} test rows), layers {layers}, {steps} Adam updates with lr = {lr}, "
                        "{batch}, seed {seed}, {precision}",
                        "n = {n}（学習 {train} 行 / テスト {test} 行）、層 {layers}、Adam（lr = {lr}）で {steps} 回の更新、"
                        "{batch}、シード {seed}、{precision}"),
    "config.full_batch": ("full batch", "フルバッチ"),
    "config.batch": ("mini-batches of {size}", "ミニバッチ {size} 行"),
    "config.field": ("setting", "設定項目"),
    "config.value": ("value", "値"),
    "config.flops": ("arithmetic per update (analytic count)", "1 回の更新あたりの演算量（解析的な数え上げ）"),
    "config.params": ("parameters", "パラメータ数"),
    "config.rows": ("train / test rows", "学習 / テストの行数"),
    "code.cpu": ("examples/three_layer_nn_pytorch.py (the CPU script)", "examples/three_layer_nn_pytorch.py（CPU 版スクリプト）"),
    "code.cuda": ("examples/three_layer_nn_pytorch_cuda.py (the CUDA script)", "examples/three_layer_nn_pytorch_cuda.py（CUDA 版スクリプト）"),
    "code.loop": ("The training loop every eager trial ran (mlpbench/backends/eager.py)",
                  "eager のすべての試行が実行した学習ループ（mlpbench/backends/eager.py）"),
    "code.missing": ("(source not found in this installation)", "（このインストールにはソースがありません）"),
    # ----- logs and environment ------------------------------------------------------------------------
    "logs.intro": ("The first successful cold trial of each target, in the seed's format. The last line is the "
                   "seed's own figure (after `import torch` to the end).",
                   "各対象で最初に成功したコールド試行のログです（元のスクリプトと同じ形式）。最後の行は元のスクリプトと同じ"
                   "計測範囲（`import torch` の直後から最後まで）の時間です。"),
    "logs.none": ("No run finished, so there is no log to show.", "完了した実行がないため、表示できるログはありません。"),
    "env.key": ("item", "項目"),
    "env.value": ("value", "値"),
    "env.date": ("date", "日時"), "env.host": ("host", "ホスト"), "env.os": ("OS", "OS"),
    "env.python": ("Python", "Python"), "env.cpu": ("CPU", "CPU"), "env.cores": ("cores (usable)", "コア数（使用可能）"),
    "env.threads": ("torch threads", "torch のスレッド数"), "env.memory": ("memory", "メモリ"),
    "env.torch": ("torch", "torch"), "env.cuda": ("CUDA (torch build)", "CUDA（torch のビルド）"),
    "env.cudnn": ("cuDNN", "cuDNN"), "env.blas": ("BLAS", "BLAS"), "env.capability": ("CPU instructions used by torch", "torch が使う CPU 命令"),
    "env.gpu": ("GPU", "GPU"), "env.driver": ("NVIDIA driver", "NVIDIA ドライバ"), "env.timer": ("timer (resolution)", "タイマー（分解能）"),
    "env.commit": ("mlpbench commit", "mlpbench のコミット"), "env.argv": ("command", "コマンド"),
    "env.none": ("none", "なし"),
    # ----- results -----------------------------------------------------------------------------------
    "results.intro": ("Cold trials are fresh processes running the whole job (import → evaluation), interleaved "
                      "across targets; warm trials repeat the training loop in one process after warm-up runs. Every "
                      "figure is a median with a distribution-free 95 % confidence interval.",
                      "コールド試行は、ジョブ全体（import から評価まで）を新しいプロセスで実行するもので、対象ごとに交互に"
                      "実行しました。ウォーム試行は、ウォームアップ後に同じプロセス内で学習ループだけを繰り返したものです。"
                      "数値はすべて中央値で、分布を仮定しない 95 % 信頼区間を添えています。"),
    "results.unavailable": ("Not measured:", "測定できなかった対象："),
    "results.failed": ("{n} trial(s) failed; their stderr is kept in results.json.",
                       "{n} 件の試行が失敗しました。標準エラー出力は results.json に残っています。"),
    "results.incomplete": ("This run was interrupted ({how}); the tables hold the trials that finished.",
                           "この実行は中断されました（{how}）。表には完了した試行のみが含まれます。"),
    # ----- plots -------------------------------------------------------------------------------------
    "plot.phases": ("Where the time goes: median of the cold trials, phase by phase",
                    "時間の内訳：コールド試行の中央値（フェーズ別）"),
    "plot.trials": ("Every trial: cold (whole process) and warm (training loop)",
                    "全試行の分布：コールド（プロセス全体）とウォーム（学習ループ）"),
    "plot.loss": ("Train loss of every target (top) and its relative difference to the baseline (bottom)",
                  "各対象の学習損失（上）と基準との相対差（下）"),
    "plot.seconds": ("seconds", "秒"),
    "plot.step": ("step", "ステップ"),
    "plot.train_loss": ("train loss", "学習損失"),
    "plot.rel_diff": ("|Δ| / baseline", "基準との相対差"),
    "plot.cold_wall": ("cold: whole process (s)", "コールド：プロセス全体（秒）"),
    "plot.warm_train": ("warm: training loop (s)", "ウォーム：学習ループ（秒）"),
    "plot.other": ("other", "その他"),
    "plot.scaling": ("Data-parallel scaling: the training loop and the parallel efficiency against the number of ranks",
                     "データ並列のスケーリング：ランク数に対する学習ループの時間と並列効率"),
    "plot.ranks": ("ranks", "ランク数"), "plot.train_loop_s": ("training loop (s)", "学習ループ（秒）"),
    "plot.efficiency": ("parallel efficiency (%)", "並列効率（%）"),
    "plot.none": ("No plot: nothing was measured.", "測定値がないため、グラフはありません。"),
    # ----- phases ------------------------------------------------------------------------------------
    "phase.import": ("import", "import"), "phase.device_init": ("device start-up", "デバイス初期化"),
    "phase.device_check": ("device check", "デバイス確認"), "phase.process_group": ("process group", "プロセスグループ"),
    "phase.data": ("data", "データ生成"), "phase.to_device": ("copy to device", "デバイスへの転送"),
    "phase.setup": ("setup", "セットアップ"), "phase.compile": ("compile", "コンパイル"),
    "phase.train": ("training", "学習"), "phase.eval": ("evaluation", "評価"),
    # ----- summary -----------------------------------------------------------------------------------
    "summary.nothing": ("Nothing was measured, so there is nothing to conclude.", "測定値がないため、結論は出せません。"),
    "summary.no_gpu_asked": ("no GPU was asked for", "GPU は指定されていません"),
    "summary.cpu_only": ("Only the CPU was measured: {cpu} ran the whole job in {wall} (median of {n} fresh processes).",
                         "測定できたのは CPU のみです：{cpu} はジョブ全体を {wall} で実行しました（新しいプロセス {n} 回の中央値）。"),
    "summary.cpu_only_step": ("The training loop alone takes {step} per step.", "学習ループだけなら 1 ステップあたり {step} です。"),
    "summary.no_gpu": ("No GPU was available ({reasons}), so this report cannot say whether a GPU would be faster here; "
                       "run mlpbench bench on a machine with CUDA to find out.",
                       "GPU が利用できなかったため（{reasons}）、このレポートからは GPU の方が速いかどうかは判断できません。"
                       "CUDA のあるマシンで mlpbench bench を実行してください。"),
    "summary.no_comparison": ("{gpu} was measured, but without enough trials to compare it with the CPU.",
                              "{gpu} は測定しましたが、CPU と比較できるだけの試行がありません。"),
    "summary.cpu_wins": ("The CPU won: {cpu} ran the whole job in {cpu_wall} and {gpu} in {gpu_wall} (medians of {n} fresh "
                         "processes each), so the GPU took {ratio} as long (95 % CI {low}–{high}, Mann-Whitney p = {p}).",
                         "CPU の勝ちです：ジョブ全体の時間は {cpu} が {cpu_wall}、{gpu} が {gpu_wall} でした（それぞれ新しいプロセス "
                         "{n} 回の中央値）。GPU は CPU の {ratio} の時間がかかりました（95 % 信頼区間 {low}–{high}、"
                         "Mann-Whitney の p = {p}）。"),
    "summary.gpu_wins": ("The GPU won: {gpu} ran the whole job in {gpu_wall} and {cpu} in {cpu_wall} (medians of {n} fresh "
                         "processes each): {speedup} faster (95 % CI {low}–{high}, Mann-Whitney p = {p}).",
                         "GPU の勝ちです：ジョブ全体の時間は {gpu} が {gpu_wall}、{cpu} が {cpu_wall} でした（それぞれ新しい"
                         "プロセス {n} 回の中央値）。GPU は {speedup} 速く（95 % 信頼区間 {low}–{high}、Mann-Whitney の "
                         "p = {p}）。"),
    "summary.too_close": ("Too close to call: {cpu} ran the whole job in {cpu_wall} and {gpu} in {gpu_wall}; the time ratio "
                          "{ratio} has a 95 % CI of {low}–{high} (Mann-Whitney p = {p}), so the data do not show a winner.",
                          "差は判定できません：ジョブ全体の時間は {cpu} が {cpu_wall}、{gpu} が {gpu_wall} でした。時間比 {ratio} の "
                          "95 % 信頼区間は {low}–{high}（Mann-Whitney の p = {p}）で、どちらが速いとは言えません。"),
    "summary.too_few": ("Too few trials to call: {cpu} ran the whole job in {cpu_wall} and {gpu} in {gpu_wall} (time ratio "
                        "{ratio}), and every trial of {faster} was faster than every trial of the other, but with {n} trials "
                        "each the test cannot go below p = {pmin}; run more trials (--runs) for a verdict.",
                        "試行が少なすぎて判定できません：ジョブ全体の時間は {cpu} が {cpu_wall}、{gpu} が {gpu_wall}"
                        "（時間比 {ratio}）で、{faster} のすべての試行がもう一方のすべての試行より速かったものの、各 {n} 回"
                        "では検定の p 値は {pmin} より小さくなりません。判定には試行を増やしてください（--runs）。"),
    "summary.gpu_only": ("Only GPU targets were measured: {gpu} ran the whole job in {wall} (median of {n} fresh "
                         "processes); add cpu to --devices for a CPU-vs-GPU verdict.",
                         "測定したのは GPU のみです：{gpu} はジョブ全体を {wall} で実行しました（新しいプロセス {n} 回の"
                         "中央値）。CPU との比較には --devices に cpu を加えてください。"),
    "summary.best_prefix": ("With the fastest backend on each device: ", "各デバイスで最速のバックエンドどうしでは："),
    "summary.warm_gpu_faster": ("In the steady state the GPU's training loop is {factor} faster ({gpu_step} vs {cpu_step} per step).",
                                "定常状態では GPU の学習ループの方が {factor} 速くなります（1 ステップあたり {gpu_step} 対 {cpu_step}）。"),
    "summary.warm_gpu_slower": ("Even in the steady state the GPU's training loop is {factor} slower ({gpu_step} vs {cpu_step} per step).",
                                "定常状態でも GPU の学習ループの方が {factor} 遅くなります（1 ステップあたり {gpu_step} 対 {cpu_step}）。"),
    "summary.warm_same": ("In the steady state the two training loops are indistinguishable ({gpu_step} vs {cpu_step} per step).",
                          "定常状態では両者の学習ループに有意な差はありません（1 ステップあたり {gpu_step} 対 {cpu_step}）。"),
    # ----- conclusions -------------------------------------------------------------------------------
    "concl.dominant": ("{target}: of {total} in the process, the largest phases were {top}. One-off costs (import, start-up, "
                       "data, copies, setup, compile) took {one_off} ({one_off_pct} %); training {train_pct} %.",
                       "{target}：プロセス内の {total} のうち、大きかったフェーズは {top} です。一度きりのコスト（import、初期化、"
                       "データ生成、転送、セットアップ、コンパイル）が {one_off}（{one_off_pct} %）、学習は {train_pct} % でした。"),
    "concl.setup_note": ("The setup phase is large because the first torch.optim.Adam of a process imports torch._dynamo "
                         "in recent torch versions.",
                         "セットアップが大きいのは、最近の torch ではプロセスで最初の torch.optim.Adam の生成時に "
                         "torch._dynamo が読み込まれるためです。"),
    "concl.setup_note_jax": ("For jax, setup is mostly importing jax and placing the data on its device.",
                             "jax のセットアップの大半は、jax の読み込みとデータのデバイスへの配置です。"),
    "concl.device_init_note": ("CUDA start-up (context and the first cuBLAS call) alone took {init}.",
                               "CUDA の初期化（コンテキストと最初の cuBLAS 呼び出し）だけで {init} かかりました。"),
    "concl.warm": ("warm", "ウォーム"),
    "concl.cold": ("cold", "コールド"),
    "concl.arithmetic": ("{target}: {step} per step ({source}) for {mflop} MFLOP of arithmetic, i.e. {achieved}.",
                         "{target}：1 ステップ {step}（{source}）で演算量は {mflop} MFLOP、すなわち {achieved} です。"),
    "concl.share": ("This device's measured large-matmul rate is {rate}, so the step reaches {share} % of it; at that rate "
                    "the arithmetic alone would take {floor}.",
                    "このデバイスで測った大きな行列積の速度は {rate} なので、その {share} % にとどまります。その速度なら演算"
                    "そのものは {floor} で終わります。"),
    "concl.overhead_bound": ("The loop is therefore bound by per-operation overhead (Python, dispatch, kernel launches), "
                             "not by arithmetic.",
                             "つまりこのループは演算ではなく、演算ごとのオーバーヘッド（Python、ディスパッチ、カーネル起動）に"
                             "律速されています。"),
    "concl.mixed_bound": ("Overhead and small, cache-resident matrix products share the time: neither alone sets the pace.",
                          "オーバーヘッドとキャッシュに収まる小さな行列積が時間を分け合っており、どちらか一方だけが律速して"
                          "いるわけではありません。"),
    "concl.compute_bound": ("The loop is close to the matmul rate: arithmetic sets the pace.",
                            "このループは行列積の速度に近く、演算量が律速しています。"),
    "concl.break_even": ("{gpu}'s training loop is {factor} faster per step than {cpu}'s, but its one-off costs are {extra} "
                         "larger; saving {saving} a step, it repays them after ≈ {steps} steps (this job has {have}).",
                         "{gpu} の学習ループは {cpu} より 1 ステップあたり {factor} 速いものの、一度きりのコストが {extra} 大きく、"
                         "1 ステップで {saving} 節約しても元が取れるのは約 {steps} ステップ後です（このジョブは {have} ステップ）。"),
    "concl.gpu_cheaper_everywhere": ("{gpu} is cheaper than {cpu} both per step and in one-off costs.",
                                     "{gpu} は 1 ステップあたりでも一度きりのコストでも {cpu} より安価です。"),
    "concl.gpu_loop_slower": ("{gpu}'s training loop is slower than {cpu}'s even after warm-up ({gpu_step} vs {cpu_step} per "
                              "step): at this size every step is dozens of tiny operations, and each costs more to launch on "
                              "the GPU than to compute on the CPU, so no number of steps makes the GPU win.",
                              "{gpu} の学習ループはウォームアップ後でも {cpu} より遅くなります（1 ステップあたり {gpu_step} 対 "
                              "{cpu_step}）。このサイズでは 1 ステップが数十個の小さな演算からなり、GPU ではそれぞれの起動コストが "
                              "CPU での計算時間を上回るため、ステップ数を増やしても GPU は勝てません。"),
    "concl.agreement": ("Numerical agreement: across {n} targets the logged train losses differ from the baseline by at "
                        "most {early} (relative) through step 500 and {all} overall; float32 sums in different orders "
                        "explain differences of this size.",
                        "数値の一致：{n} 個の対象で、記録された学習損失と基準との相対差はステップ 500 までで最大 {early}、"
                        "全体で最大 {all} です。float32 の加算順序の違いで説明できる大きさです。"),
    "concl.scaling": ("{device}, {n} ranks over {pg}: the training loop takes {time}, a speed-up of {speedup} over one "
                      "rank (parallel efficiency {efficiency} %); the all-reduce takes {share} % of a step.",
                      "{device}、{pg} で {n} ランク：学習ループは {time}、1 ランクに対する速度向上は {speedup}"
                      "（並列効率 {efficiency} %）で、1 ステップのうち all-reduce が {share} % を占めます。"),
    "concl.scaling_pays": ("At this size more devices pay.", "このサイズでは、デバイスを増やす価値があります。"),
    "concl.scaling_comm": ("At this size more devices do not pay: the gradient all-reduce takes much of every step, "
                           "and each rank's share of the arithmetic is too small to hide it.",
                           "このサイズでは、デバイスを増やす価値はありません。勾配の all-reduce が各ステップの多くを占め、"
                           "各ランクの演算量が小さすぎてそれを隠せないためです。"),
    "concl.scaling_fixed": ("At this size more devices do not pay, and not because of the all-reduce: every rank still "
                            "pays each step's fixed per-operation costs in full while doing a fraction of the arithmetic "
                            "(and ranks on one machine share its cores).",
                            "このサイズでは、デバイスを増やす価値はありません。原因は all-reduce ではなく、各ランクが演算量の"
                            "一部しか受け持たないのに、演算ごとの固定コストは毎ステップ全額払うためです（同じマシン上の"
                            "ランクはコアも分け合います）。"),
    "concl.small_n": ("Few cold trials for {targets}: the intervals are wide; add --runs for firmer numbers.",
                      "{targets} はコールド試行が少ないため区間が広くなっています。--runs を増やすと確かな数値になります。"),
    "change.need_gpu": ("A GPU measurement would change this report the most: without one, no CPU-vs-GPU claim can be made.",
                        "この結論を最も大きく変えるのは GPU での測定です。GPU なしでは CPU と GPU の比較はできません。"),
    "change.sizes": ("Larger data or wider layers add arithmetic without adding operations, which favours the GPU; "
                     "mlpbench sweep measures where it starts to win (this report holds no sweep).",
                     "データを増やしたり層を広げたりすると、演算の回数を増やさずに演算量だけが増えるため GPU に有利になります。"
                     "mlpbench sweep でどこから GPU が勝つかを測れます（このレポートにスイープは含まれません）。"),
    "change.see_sweep": ("The sweep section shows where the answer changes with the size of the workload.",
                         "ワークロードの大きさによって結論がどこで変わるかは、スイープの節に示しています。"),
    "kind.steady": ("steady state, per step", "定常状態・1 ステップあたり"),
    "kind.end_to_end": ("end to end, start-up included", "起動を含む全体"),
    "kind.break_even": ("break-even", "損益分岐"),
    "change.backend": ("A better backend changes the answer too: {best} needs {step} per step, {factor} faster than {eager}.",
                       "バックエンドを変えても結論は変わります：{best} は 1 ステップ {step} で、{eager} より {factor} 速くなります。"),
    "change.backends_hint": ("Only the seed's eager loop was measured; mlpbench bench --backends all shows how fast each "
                             "device can go.",
                             "測定したのは元の eager ループのみです。mlpbench bench --backends all で各デバイスの限界速度がわかります。"),
    "warn.none": ("No warnings: the trials were stable.", "注意事項はありません。試行は安定していました。"),
    "warn.line": ("{target} ({mode}; {phases}): {message}. Advice: {advice}.", "{target}（{mode}、{phases}）：{message}。対処法：{advice}。"),
    "sweep.intro": ("Swept {parameter} over {values} ({what}); at each point every target ran warm trials of "
                    "{trial_steps} steps, and the one-off costs were measured once per target, so the end-to-end time "
                    "of the configured {steps} steps can be derived.",
                    "{parameter} を {values} の範囲で変化させました（{what}）。各点で各対象について {trial_steps} ステップの"
                    "ウォーム試行を行い、一度きりのコストは対象ごとに 1 回測定したので、設定どおり {steps} ステップを"
                    "実行した場合の全体の時間も求められます。"),
    "sweep.no_gpu": ("No GPU was measured in this sweep, so it cannot show a crossover: a crossover needs a GPU "
                     "(scripts/gpu-check runs a bounded sweep on one).",
                     "このスイープでは GPU を測定していないため、交差点は示せません。交差点を求めるには GPU が必要です"
                     "（scripts/gpu-check が GPU 上で範囲を限定したスイープを実行します）。"),
    "sweep.steady_inside": ("Per step, {device} overtakes {baseline} from {parameter} ≈ {value} (between the measured "
                            "points {low} and {high}{context}).",
                            "1 ステップあたりでは、{device} は {parameter} ≈ {value} から {baseline} を上回ります"
                            "（測定点 {low} と {high} の間{context}）。"),
    "sweep.steady_inside_behind": ("Per step, {device} is faster than {baseline} only below {parameter} ≈ {value} (between "
                                   "the measured points {low} and {high}{context}) and falls behind above it.",
                                   "1 ステップあたりでは、{device} が {baseline} より速いのは {parameter} ≈ {value} 未満だけで"
                                   "（測定点 {low} と {high} の間{context}）、それを超えると遅くなります。"),
    "sweep.e2e_inside_behind": ("For the whole job of {steps} steps, start-up included, {device} is ahead only below "
                                "{parameter} ≈ {value}{context}.",
                                "起動を含む {steps} ステップのジョブ全体では、{device} が先行するのは {parameter} ≈ {value} "
                                "未満だけです{context}。"),
    "sweep.repay_at_once": ("At {parameter} = {value}, {device}'s one-off costs are no larger than {baseline}'s, so it is "
                            "ahead from the first step{context}.",
                            "{parameter} = {value} では {device} の一度きりのコストは {baseline} より大きくないため、最初の"
                            "ステップから先行します{context}。"),
    "sweep.e2e_inside": ("For the whole job of {steps} steps, start-up included, {device} wins from {parameter} ≈ "
                         "{value}{context}.",
                         "起動を含む {steps} ステップのジョブ全体では、{device} は {parameter} ≈ {value} から勝ちます{context}。"),
    "sweep.at_point": ("{device} and {baseline} take equally long at {parameter} = {value}{context} ({kind}).",
                       "{parameter} = {value} で {device} と {baseline} の時間が等しくなります{context}（{kind}）。"),
    "sweep.never_gpu": ("{device} is slower than {baseline} at every measured {parameter} ({low}–{high}{context}; {kind}): "
                        "no crossover inside the swept range.",
                        "{device} は測定したすべての {parameter}（{low}–{high}{context}、{kind}）で {baseline} より遅く、"
                        "範囲内に交差点はありません。"),
    "sweep.always_gpu": ("{device} is faster than {baseline} at every measured {parameter} ({low}–{high}{context}; {kind}): "
                         "the crossover lies below the swept range.",
                         "{device} は測定したすべての {parameter}（{low}–{high}{context}、{kind}）で {baseline} より速く、"
                         "交差点は範囲より下にあります。"),
    "sweep.predicted": ("The fitted cost models predict the per-step crossover at {parameter} ≈ {value}.",
                        "当てはめたコストモデルによる 1 ステップあたりの交差点の予測は {parameter} ≈ {value} です。"),
    "sweep.predicted_none": ("The fitted cost models predict no per-step crossover near the swept range.",
                             "当てはめたコストモデルでは、範囲付近に 1 ステップあたりの交差点はありません。"),
    "sweep.repay": ("At {parameter} = {value}, {device} needs ≥ {steps} steps to repay its extra one-off costs{context}.",
                    "{parameter} = {value} では、{device} が余分な一度きりのコストを回収するには {steps} ステップ以上"
                    "必要です{context}。"),
    "sweep.repay_never": ("At {parameter} = {value}, {device}'s steps are not cheaper, so no run length repays its "
                          "start-up{context}.",
                          "{parameter} = {value} では {device} の 1 ステップが安くならないため、どれだけ長く学習しても"
                          "起動コストは回収できません{context}。"),
    "sweep.failed": ("Points that did not finish:", "完了しなかった点："),
    "sweep.skipped": ("Skipped when --time-limit ran out: {items}.", "--time-limit に達したため省略：{items}。"),
    "sweep.table": ("Time per step at each point (warm median [95 % CI])", "各点の 1 ステップあたりの時間（ウォームの中央値 [95 % 信頼区間]）"),
    "sweep.models": ("Cost model per target: time per step ≈ overhead + FLOPs / throughput (least squares)",
                     "対象ごとのコストモデル：1 ステップの時間 ≈ オーバーヘッド + 演算量 / スループット（最小二乗法）"),
    "sweep.col.point": ("point", "点"), "sweep.col.per_step": ("per step", "1 ステップ"),
    "sweep.col.end_to_end": ("whole job", "ジョブ全体"), "sweep.col.status": ("status", "状態"),
    "sweep.col.overhead": ("overhead per step", "1 ステップのオーバーヘッド"),
    "sweep.col.throughput": ("throughput", "スループット"), "sweep.col.r2": ("R²", "R²"),
    "sweep.col.error": ("max error", "最大誤差"),
    "plot.sweep_time": ("Time per step against {parameter} (log-log); lines: fitted cost models",
                        "{parameter} に対する 1 ステップの時間（両対数）。線は当てはめたコストモデル"),
    "plot.sweep_speedup": ("Speed-up over {baseline} against {parameter}; the dashed line is parity, the marks are the "
                           "crossovers", "{parameter} に対する {baseline} からの速度向上。破線は同等、印は交差点"),
    "plot.per_step": ("time per step (s)", "1 ステップの時間（秒）"),
    "plot.speedup": ("speed-up (×)", "速度向上（倍）"),
    "summary.sweep": ("This file holds a sweep over {parameter}; its findings:", "このファイルは {parameter} のスイープ結果です。結果："),
}

# Table labels produced by mlpbench.tables, translated when the report is in Japanese.
LABELS_JA: dict[str, str] = {
    "Cold trials: the whole job in a fresh process (median [95 % CI])": "コールド試行：新しいプロセスでのジョブ全体（中央値 [95 % 信頼区間]）",
    "Where the time goes, phase by phase (cold, median, share of total)": "フェーズ別の時間（コールド、中央値、全体に占める割合）",
    "Warm trials: the training loop alone, after warm-up (median [95 % CI])": "ウォーム試行：ウォームアップ後の学習ループのみ（中央値 [95 % 信頼区間]）",
    "Against the baseline": "基準との比較",
    "target": "対象", "process, outside": "プロセス（外部計測）", "total, inside": "合計（内部計測）",
    "seed's figure": "元の計測範囲", "train": "学習", "failed": "失敗", "phase": "フェーズ",
    "train loop": "学習ループ", "per step": "1 ステップ", "achieved": "達成性能", "stopped by": "停止理由",
    "figure": "指標", "time ratio": "時間比", "speed-up": "速度向上", "verdict": "判定",
    "faster": "速い", "slower": "遅い", "not significant": "有意差なし",
    "samples (train + test)": "サンプル数（学習 + テスト）", "multiplier on every hidden width": "隠れ層の幅の倍率",
    "optimizer updates": "更新回数", "rows per update (mini-batches)": "1 回の更新の行数（ミニバッチ）",
    "Data-parallel scaling: the training loop on N ranks against one rank": "データ並列のスケーリング：N ランクと 1 ランクの学習ループの比較",
    "device": "デバイス", "ranks": "ランク数", "efficiency": "並列効率", "all-reduce share": "all-reduce の割合",
    "efficiency = speed-up / ranks; the all-reduce share is measured against no_sync() steps":
        "並列効率 = 速度向上 / ランク数。all-reduce の割合は no_sync() のステップとの差で測定",
    "data-parallel ranks (torchrun, DDP)": "データ並列のランク数（torchrun、DDP）",
    "converged": "収束", "time": "時間上限", "max_runs": "回数上限", "cold": "コールド", "warm": "ウォーム",
    "failed ": "失敗", "timeout": "タイムアウト", "diverged": "発散",
    "time ratio = candidate median / baseline median; test: Mann-Whitney U, two-sided":
        "時間比 = 対象の中央値 / 基準の中央値。検定：Mann-Whitney の U 検定（両側）",
}


class Texts:
    """``T(key, **fields)`` gives the sentence in the report's language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(lang)
        self.lang = lang
        self._i = LANGS.index(lang)

    def __call__(self, key: str, **fields: Any) -> str:
        return MESSAGES[key][self._i].format(**fields)

    def has(self, key: str) -> bool:
        return key in MESSAGES

    def label(self, text: str) -> str:
        return LABELS_JA.get(text, text) if self.lang == "ja" else text

    def join(self, items: Iterable[str]) -> str:
        return ("、" if self.lang == "ja" else ", ").join(items)

    def sentences(self, *parts: str) -> str:
        """Sentences run together: with a space in English, without one in Japanese."""
        return ("" if self.lang == "ja" else " ").join(p for p in parts if p)
