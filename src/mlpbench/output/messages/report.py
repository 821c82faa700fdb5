"""The report's sections, requests, configuration, environment, plots and conclusions."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- title and sections -------------------------------------------------------------------------------
    "title": ("mlpbench report: CPU or GPU for your network?", "mlpbench レポート：このネットワークは CPU と GPU のどちらが速いか"),
    "subtitle": ("Measured on {host} ({hardware}) on {date}; mlpbench {version}, {commit}.",
                 "測定：{host}（{hardware}）、{date}。mlpbench {version}、{commit}。"),
    "subtitle.resumed": ("Measured on {host} ({hardware}) from {since} to {date} (a sweep resumed with --resume); "
                         "mlpbench {version}, {commit}.",
                         "測定：{host}（{hardware}）、{since} から {date} まで（--resume で再開したスイープ）。"
                         "mlpbench {version}、{commit}。"),
    "sec.summary": ("The answer", "結論"),
    "summary.reading": (
        "How to read the figures in brackets: the interval is the range in which the ratio of the two median times "
        "probably lies, found by resampling the trials (a bootstrap; with few trials only a rough range); p is the "
        "chance of a difference at least this large if both took equally long (the Mann-Whitney test, which assumes "
        "nothing about the shape of the times). One is called faster only when p is below 0.05 and the interval "
        "excludes 1×. Otherwise the trials do not show which is faster, which never means that both are equally fast.",
        "括弧内の数値の読み方：区間は、試行を再標本化して（ブートストラップ）求めた、2 つの中央値の時間比がおそらく"
        "入る範囲です（試行が少ないときは大まかな範囲にすぎません）。p は、両者の時間が同じだとした場合に、これ以上の"
        "差が現れる確率です（Mann-Whitney 検定。時間の分布の形を仮定しません）。速いと判定するのは、p が 0.05 未満で、"
        "かつ区間が 1× を含まない場合だけです。そうでなければ、この試行からはどちらが速いとは言えません。これは両者が"
        "同じ速さだという意味ではありません。"),
    "sec.requests": ("What was asked, and where it is answered", "ご依頼内容と回答箇所"),
    "sec.config": ("Configuration and the code that ran", "設定と実行したコード"),
    "sec.logs": ("The log of one run per target", "対象ごとの実行ログ（各 1 回分）"),
    "sec.env": ("Environment", "実行環境"),
    "sec.results": ("Measurements", "測定結果"),
    "sec.sweep": ("From what size does the GPU win? (sweep)", "どのサイズから GPU が勝つか（スイープ）"),
    "sec.plots": ("Plots", "グラフ"),
    "sec.conclusions": ("Conclusions", "考察"),
    "sec.warnings": ("Warnings and advice", "注意事項と対処法"),
    # ----- requests -----------------------------------------------------------------------------------------
    "req.1": ("Change three_layer_nn_pytorch.py so that it supports NVIDIA GPUs (CUDA): a new script "
              "three_layer_nn_pytorch_cuda.py.",
              "three_layer_nn_pytorch.py を修正し、NVIDIA GPU (CUDA) 処理をサポートする新しいスクリプト "
              "three_layer_nn_pytorch_cuda.py を作成する。"),
    "req.2": ("Define the device for GPU processing and move the data and the model to it.",
              "GPU 処理用のデバイスを定義し、データとモデルをそのデバイスに移動する。"),
    "req.3": ("Also run the original CPU script, for comparison.",
              "比較のために、元の CPU 用スクリプト (three_layer_nn_pytorch.py) も実行する。"),
    "req.4": ("Import the time module, measure the execution time of both scripts and print it.",
              "time モジュールをインポートし、両方のスクリプトの実行時間を計測して出力する。"),
    "req.5": ("Run the benchmark and compare the two execution times.",
              "ベンチマークを実行し、両方のスクリプトの実行時間を比較する。"),
    "req.6": ("Save all the work, the answers and the requests in one single file.",
              "これまでの作業、回答、要望をすべて 1 つのファイルに保存する。"),
    "req.where.code": ("answered in “Configuration and the code that ran”", "回答：「設定と実行したコード」"),
    "req.where.logs": ("answered in “The log of one run per target”", "回答：「対象ごとの実行ログ」"),
    "req.where.results": ("answered in “Measurements”", "回答：「測定結果」"),
    "req.where.conclusions": ("answered in “The answer” and “Conclusions”", "回答：「結論」と「考察」"),
    "req.where.not_here": ("not run in this report: `make bench` runs the user's two scripts and times them",
                           "このレポートでは実行していません（`make bench` がユーザーの 2 つのスクリプトを実行して計測します）"),
    "req.where.one_device": ("not answered here: only one device was measured, so there was nothing to compare "
                             "(“Conclusions” says what would measure the other)",
                             "このレポートでは回答していません：測定したデバイスが 1 つだけで、比較する相手がありません"
                             "（もう一方を測る方法は「考察」にあります）"),
    "req.where.sweep": ("answered in the sweep's section", "回答：スイープの節"),
    "req.where.file": ("answered by this file itself", "回答：このファイルそのもの"),
    # ----- configuration and code ---------------------------------------------------------------------------
    "config.intro": ("What was trained, and how (the user's scripts unless a flag said otherwise):",
                     "学習した内容と方法（フラグで変更しない限り、元のスクリプトと同じです）："),
    "config.intro.workload": ("What mlpbench's own job trained, and how (the workload file's model and data; the "
                              "rest as the flags set it):",
                              "mlpbench 自身のジョブが学習した内容と方法（モデルとデータはワークロードファイルのもの、"
                              "それ以外はフラグの設定どおり）："),
    "config.intro.api": ("What was trained, and how (the user's scripts unless a keyword argument said otherwise):",
                            "学習した内容と方法（キーワード引数で変更しない限り、元のスクリプトと同じです）："),
    "config.intro.workload.api": ("What mlpbench's own job trained, and how (the workload's model and data; the "
                                     "rest as the call's keyword arguments set it):",
                                     "mlpbench 自身のジョブが学習した内容と方法（モデルとデータはワークロードのもの、"
                                     "それ以外は呼び出しのキーワード引数の設定どおり）："),
    "config.scripts_only": ("Only your scripts ran, as they are: their settings are whatever they set, which mlpbench "
                            "does not read.",
                            "実行したのはスクリプトだけで、そのまま実行しました。設定はスクリプト自身が決めたもので、"
                            "mlpbench は読み取りません。"),
    "config.field": ("setting", "設定項目"),
    "config.value": ("value", "値"),
    "config.workload": ("workload", "ワークロード"),
    "config.builtin": ("the built-in three-layer MLP of the user's scripts", "元のスクリプトと同じ組み込みの 3 層 MLP"),
    "config.rows": ("samples", "サンプル数"),
    "config.rows_value": ("{n} ({train} train / {test} test)", "{n}（学習 {train} / テスト {test}）"),
    "config.layers": ("layer widths", "各層の幅"),
    "config.steps": ("optimizer updates", "更新回数"),
    "config.batch_size": ("rows per update", "1 回の更新に使う行数"),
    "config.full_batch": ("full batch ({rows} rows)", "フルバッチ（{rows} 行）"),
    "config.batch": ("mini-batches of {size}", "ミニバッチ {size} 行"),
    "config.optimizer": ("optimizer", "オプティマイザ"),
    "config.loss": ("loss", "損失関数"),
    "config.built": ("{optimizer} (as the run built it)", "{optimizer}（実行が作成したもの）"),
    "config.adam": ("Adam, lr = {lr} (unless the workload makes its own)", "Adam、lr = {lr}（ワークロードが独自に作る場合を除く）"),
    "config.seed": ("seed", "シード"),
    "config.precision": ("precision", "精度"),
    "config.log_every": ("loss logged every … steps", "損失を記録する間隔（ステップ）"),
    "config.params": ("parameters", "パラメータ数"),
    "config.flops": ("arithmetic per update", "1 回の更新あたりの演算量"),
    "flops.analytic": ("counted analytically", "解析的に数えた値"),
    "flops.workload": ("the workload's own count", "ワークロード自身の値"),
    "flops.counted": ("counted by torch's FlopCounterMode", "torch の FlopCounterMode で数えた値"),
    "code.intro": ("The code below is the copy recorded when it ran (with its SHA-256), not the files on disk now.",
                   "以下のコードは、実行時に記録した写し（SHA-256 付き）で、現在ディスク上にあるファイルではありません。"),
    "code.workload_missing": ("The workload's own code ({name}) could not be recorded: Python could not find its "
                              "source (a class defined in a notebook cell, or typed at a prompt), so this report cannot "
                              "show what trained; save it to a file and pass its path to have it recorded.",
                              "ワークロード自身のコード（{name}）は記録できませんでした。Python がそのソースを見つけられ"
                              "なかったためです（ノートブックのセルやプロンプトで定義したクラスなど）。何を学習したかは"
                              "このレポートでは示せません。ファイルに保存してそのパスを渡せば記録されます。"),
    "code.script": ("{name} — run as it is (SHA-256 {sha}…)", "{name} — そのまま実行（SHA-256 {sha}…）"),
    "code.user_script": ("{name} — the user's script, as mlpbench ships it (SHA-256 {sha}…)",
                         "{name} — mlpbench に同梱の元のスクリプト（SHA-256 {sha}…）"),
    "code.workload": ("The workload: {path} (SHA-256 {sha}…)", "ワークロード：{path}（SHA-256 {sha}…）"),
    "code.loop": ("The training loop: {path} (SHA-256 {sha}…)", "学習ループ：{path}（SHA-256 {sha}…）"),
    # ----- logs and environment -----------------------------------------------------------------------------
    "logs.intro": ("The first complete run of each target, as it printed it.", "各対象で最初に完了した実行の出力です。"),
    "logs.intro.job": ("mlpbench's own job ends with a time printed as the seed's scripts print theirs: from after "
                       "`import torch` to the end, whatever the workload.",
                       "mlpbench 自身のジョブは、ワークロードにかかわらず、元のスクリプトと同じ計測範囲（`import torch` の"
                       "直後から最後まで）の時間を最後の行に出力します。"),
    "logs.empty": ("(it printed nothing)", "（何も出力しませんでした）"),
    "logs.failed": ("{target}: failed ({why}); its output and the end of its stderr",
                    "{target}：失敗（{why}）。出力と stderr の末尾"),
    "logs.none": ("No run finished, so there is no log to show.", "完了した実行がないため、表示できるログはありません。"),
    "env.key": ("item", "項目"),
    "env.value": ("value", "値"),
    "env.date": ("date", "日時"),
    "env.host": ("host", "ホスト"),
    "env.os": ("OS", "OS"),
    "env.python": ("Python", "Python"),
    "env.cpu": ("CPU", "CPU"),
    "env.cores": ("cores (usable)", "コア数（使用可能）"),
    "env.threads": ("torch threads", "torch のスレッド数"),
    "env.threads.all": ("{default} by default here; every run used {n}", "ここでの既定は {default}、どの実行も {n}"),
    "env.threads.each": ("{default} by default here; the runs used {items}", "ここでの既定は {default}、実行では {items}"),
    "env.memory": ("memory", "メモリ"),
    "env.torch": ("torch", "torch"),
    "env.cuda": ("CUDA (torch build)", "CUDA（torch のビルド）"),
    "env.cudnn": ("cuDNN", "cuDNN"),
    "env.blas": ("BLAS", "BLAS"),
    "env.capability": ("CPU instructions used by torch", "torch が使う CPU 命令"),
    "env.gpu": ("GPU", "GPU"),
    "env.driver": ("NVIDIA driver", "NVIDIA ドライバ"),
    "env.timer": ("timer (resolution)", "タイマー（分解能）"),
    "env.commit": ("mlpbench commit", "mlpbench のコミット"),
    "env.argv": ("command", "コマンド"),
    "env.argv.none": ("none: called from Python (the notebook API)", "なし：Python から呼び出し（ノートブック API）"),
    "env.resumed": ("resumed (--resume)", "再開（--resume）"),
    "env.resumed.value": ("{points} point measurement(s) and {one_off} one-off run(s) come from an earlier session's "
                          "journal (its results file begun {since}); the date and command above are the last session's",
                          "点の測定 {points} 件と一度きりの実行 {one_off} 件は以前のセッションのジャーナルから（その結果ファイルの"
                          "開始：{since}）。上の日時とコマンドは最後のセッションのものです"),
    "env.resumed.value.undated": ("{points} point measurement(s) and {one_off} one-off run(s) come from an earlier "
                                  "session's journal (when it began is not recorded); the date and command above are "
                                  "the last session's",
                                  "点の測定 {points} 件と一度きりの実行 {one_off} 件は以前のセッションのジャーナルから（開始日時は"
                                  "記録なし）。上の日時とコマンドは最後のセッションのものです"),
    "env.none": ("none", "なし"),
    "env.unknown": ("not recorded", "記録なし"),
    "env.no_commit": ("commit not recorded", "コミットは記録なし"),
    # ----- measurements -------------------------------------------------------------------------------------
    "results.intro": ("Cold trials are fresh processes running the whole job, interleaved across targets; warm trials "
                      "repeat the training loop in one process after warm-up runs. Every figure is a median with a "
                      "distribution-free interval; its column \"coverage\" gives the confidence the interval has at "
                      "least (95 % from 6 trials; with fewer the interval is [min, max] and covers less: 87.5 % with 4).",
                      "コールド試行は、ジョブ全体を新しいプロセスで実行するもので、対象ごとに交互に実行しました。ウォーム試行は、"
                      "ウォームアップ後に同じプロセスで学習ループだけを繰り返したものです。数値はすべて中央値で、分布を仮定しない"
                      "区間を添えています。「信頼度」の列は、その区間が少なくとも持つ信頼度です（6 回以上で 95 %。それより少ないと"
                      "区間は［最小, 最大］で、信頼度は下がります：4 回で 87.5 %）。"),
    "results.unavailable": ("Not measured:", "測定できなかった対象："),
    "results.unavailable_item": ("{target}: {reason}", "{target}：「{reason}」"),
    "results.failed": ("{n} trial(s) failed; their stderr is kept in results.json.",
                       "{n} 件の試行が失敗しました。標準エラー出力は results.json に残っています。"),
    "results.incomplete": ("This run was interrupted ({how}); the tables hold the trials that finished.",
                           "この実行は中断されました（{how}）。表には完了した試行のみが含まれます。"),
    # ----- plots --------------------------------------------------------------------------------------------
    "plot.no_cold": ("no cold trials", "コールド試行なし"),
    "plot.no_warm": ("no warm trials", "ウォーム試行なし"),
    "plot.phases": ("Where the time goes: the median of each phase of the cold trials",
                    "時間の内訳：コールド試行の各フェーズの中央値"),
    "plot.phases.sweep": ("Where the time goes: the one cold process of each target, run once at the configuration "
                          "as given (n = {n}, {steps} updates), not at every point of the sweep",
                          "時間の内訳：対象ごとに 1 回だけ、指定どおりの設定（n = {n}、{steps} 回の更新）で実行した"
                          "コールドプロセス（スイープの各点で実行したものではありません）"),
    "plot.trials.both": ("Every trial, with its median (bar) and interval (line): cold, the whole process (left); "
                         "warm, the training loop (right)",
                         "全試行と中央値（縦線）・区間（横線）：コールドはプロセス全体（左）、ウォームは学習ループ（右）"),
    "plot.trials.cold": ("Every cold trial (the whole process), with its median (bar) and interval (line)",
                         "全コールド試行（プロセス全体）と中央値（縦線）・区間（横線）"),
    "plot.trials.warm": ("Every warm trial (the training loop), with its median (bar) and interval (line)",
                         "全ウォーム試行（学習ループ）と中央値（縦線）・区間（横線）"),
    "plot.loss": ("Train loss of every target's first run (top) and its relative difference to the baseline (bottom): "
                  "|Δ| / |baseline|, where the baseline's loss has fallen below {floor} of its first value, relative to "
                  "that {floor} instead, as the checks measure it",
                  "各対象の最初の実行の学習損失（上）と基準との相対差（下）。相対差は |Δ| / |基準| で、基準の損失が最初の値の "
                  "{floor} を下回った後は、その {floor} に対する比です（損失の検査と同じ測り方）"),
    "plot.loss.reference": ("Train loss of every target's first run (top) and its relative difference to the CPU's eager "
                            "loop (bottom), the reference every run is checked against: |Δ| / |reference|, where the "
                            "reference's loss has fallen below {floor} of its first value, relative to that {floor} "
                            "instead, as the checks measure it",
                            "各対象の最初の実行の学習損失（上）と、すべての実行を照合する基準である CPU の eager ループとの相対差"
                            "（下）。相対差は |Δ| / |基準| で、基準の損失が最初の値の {floor} を下回った後は、その {floor} に対する"
                            "比です（損失の検査と同じ測り方）"),
    "plot.loss.own": ("Train loss of every target's first run (top) and its relative difference to the baseline "
                      "(bottom), measured as the checks measure it; the model draws random numbers, so a difference between "
                      "targets may be theirs and is not checked (each target's runs are checked against its own first)",
                      "各対象の最初の実行の学習損失（上）と基準との相対差（下、損失の検査と同じ測り方）。このモデルは乱数を"
                      "使うため、対象の間の差は乱数の違いによることがあり、照合していません（各対象の実行はその最初の実行と"
                      "照合します）"),
    "plot.loss.too_few": ("No loss plot: every target's first run logged its loss at fewer than 2 steps (it ran "
                          "{steps} updates and logs every {every}), too few for a curve; a run of more than {every} "
                          "updates draws one.",
                          "損失のグラフはありません。各対象の最初の実行が損失を記録したステップが 2 つ未満で（更新 {steps} 回、"
                          "記録は {every} ステップごと）、曲線を描けないためです。{every} 回を超える更新の実行なら描けます。"),
    "plot.seconds": ("seconds", "秒"),
    "plot.step": ("step", "ステップ"),
    "plot.train_loss": ("train loss", "学習損失"),
    "plot.rel_diff": ("relative difference", "相対差"),
    "plot.cold_wall": ("cold: whole process (s)", "コールド：プロセス全体（秒）"),
    "plot.warm_train": ("warm: training loop (s)", "ウォーム：学習ループ（秒）"),
    "plot.scaling": ("Data-parallel scaling: the training loop and the parallel efficiency against the number of ranks",
                     "データ並列のスケーリング：ランク数に対する学習ループの時間と並列効率"),
    "plot.ranks": ("ranks", "ランク数"),
    "plot.train_loop_s": ("training loop (s)", "学習ループ（秒）"),
    "plot.efficiency": ("parallel efficiency (%)", "並列効率（%）"),
    "plot.none": ("No plot: nothing was measured.", "測定値がないため、グラフはありません。"),
    "plot.sweep_time": ("Time per step against {parameter} (log-log)", "{parameter} に対する 1 ステップの時間（両対数）"),
    "plot.sweep_time.models": ("Time per step against {parameter} (log-log); lines: the fitted cost models",
                               "{parameter} に対する 1 ステップの時間（両対数）。線は当てはめたコストモデル"),
    "plot.sweep_time.rejected": ("Time per step against {parameter} (log-log); no cost model is drawn: they fit the "
                                 "points poorly (see the text)",
                                 "{parameter} に対する 1 ステップの時間（両対数）。コストモデルは当てはまりが悪いため描いて"
                                 "いません（本文を参照）"),
    "plot.sweep_time.models.rejected": ("Time per step against {parameter} (log-log); lines: the cost models that fit; "
                                        "those that fit poorly are not drawn (see the text)",
                                        "{parameter} に対する 1 ステップの時間（両対数）。線は当てはまりのよいコストモデル"
                                        "だけで、当てはまりの悪いものは描いていません（本文を参照）"),
    "plot.sweep_speedup": ("Speed-up over {baseline} ({baseline}'s time ÷ the target's) at each measured {parameter}; the dashed line is parity",
                           "各 {parameter} での {baseline} に対する速度比（{baseline} の時間 ÷ 各対象の時間）。破線は同じ速さ（1 倍）"),
    "plot.sweep_speedup.marked": ("Speed-up over {baseline} ({baseline}'s time ÷ the target's) at each measured {parameter}; the dashed line is parity, "
                                  "vertical lines mark per-step crossovers located between two points",
                                  "各 {parameter} での {baseline} に対する速度比（{baseline} の時間 ÷ 各対象の時間）。破線は同じ速さ（1 倍）、縦線は 2 点の間に定まった 1 ステップあたりの交点"),
    "plot.sweep_speedup.shaded": ("Speed-up over {baseline} ({baseline}'s time ÷ the target's) at each measured {parameter}; the dashed line is parity, "
                                  "shaded spans hold a crossover the points do not locate",
                                  "各 {parameter} での {baseline} に対する速度比（{baseline} の時間 ÷ 各対象の時間）。破線は同じ速さ（1 倍）、"
                                  "網掛けは交点を含むが位置は定まらない範囲"),
    "plot.sweep_speedup.marked.shaded": ("Speed-up over {baseline} ({baseline}'s time ÷ the target's) at each measured {parameter}; the dashed line is "
                                         "parity, vertical lines mark located per-step crossovers, shaded spans hold ones the "
                                         "points do not locate",
                                         "各 {parameter} での {baseline} に対する速度比（{baseline} の時間 ÷ 各対象の時間）。破線は同じ速さ（1 倍）、縦線は定まった 1 ステップあたりの交点、"
                                         "網掛けは位置の定まらない交点を含む範囲"),
    "plot.inside_step": ("Inside one step: the GPU computing against waiting for the host (of the warm step); "
                         "otherwise the host's time in matrix multiplies and convolutions, the optimizer and the rest "
                         "(under the profiler)",
                         "1 ステップの内側：GPU が計算している時間とホストを待つ時間（ウォームの 1 ステップに対して）。"
                         "それ以外はホスト時間のうち行列積と畳み込み、オプティマイザ、その他（プロファイラ下）"),
    "plot.inside_step.gpu": ("Inside one step: the GPU computing against waiting for the host (share of the warm step)",
                             "1 ステップの内側：GPU が計算している時間とホストを待つ時間（ウォームの 1 ステップに対する割合）"),
    "plot.inside_step.cpu": ("Inside one step: the host's time in matrix multiplies and convolutions, the optimizer "
                             "and the rest (under the profiler)",
                             "1 ステップの内側：ホスト時間のうち行列積と畳み込み、オプティマイザ、その他（プロファイラ下）"),
    "plot.busy": ("device computing", "デバイスが計算"),
    "plot.waiting": ("waiting for the host", "ホストを待機"),
    "plot.matmul": ("matrix multiplies and convolutions", "行列積と畳み込み"),
    "plot.optimizer": ("optimizer step", "オプティマイザの更新"),
    "plot.framework": ("other operators, dispatch, autograd", "その他の演算・ディスパッチ・自動微分"),
    "plot.share_of_step": ("share of a step (%)", "1 ステップに占める割合（%）"),
    "plot.per_step": ("time per step (s)", "1 ステップの時間（秒）"),
    "plot.speedup": ("speed-up (×)", "速度向上（倍）"),
    # ----- conclusions --------------------------------------------------------------------------------------
    "concl.dominant": ("{target}: of {total} in the process, the largest phases were {top}. One-off costs "
                       "({phases}) took {one_off} ({one_off_pct}), training {train_pct}.",
                       "{target}：プロセス内の {total} のうち、大きかったフェーズは、{top} です。一度きりのコスト"
                       "（{phases}）が {one_off}（{one_off_pct}）、学習が {train_pct} でした。"),
    "concl.dominant.no_train": ("{target}: of {total} in the process, the largest phases were {top}. One-off costs "
                                "({phases}) took {one_off} ({one_off_pct}) where they "
                                "could be timed; its training lies inside “the rest of the script”, which cannot be "
                                "split without editing the script.",
                                "{target}：プロセス内の {total} のうち、大きかったフェーズは、{top} です。計測できた範囲の一度きりの"
                                "コスト（{phases}）は {one_off}（{one_off_pct}）でした。学習は"
                                "「スクリプトの残り」に含まれ、スクリプトを書き換えずには切り分けられません。"),
    "concl.smaller": ("smaller ones", "ほか小さなもの"),
    "concl.phase_item": ("{phase} {time} ({share})", "{phase} {time}（{share}）"),
    "concl.first_optimizer_dynamo": ("The first torch.optim optimizer's construction alone took {time} ({share}); "
                                     "it imported torch._dynamo.",
                                     "最初の torch.optim オプティマイザの生成だけで {time}（{share}）かかりました。このとき "
                                     "torch._dynamo が読み込まれています。"),
    "concl.first_optimizer": ("The first torch.optim optimizer's construction alone took {time} ({share}).",
                              "最初の torch.optim オプティマイザの生成だけで {time}（{share}）かかりました。"),
    "concl.sweep_base": ("The next figures are each target's one cold process, run once at the configuration as given "
                         "(n = {n}, {steps} updates), not at the points of the sweep; the points are in the sweep's "
                         "section.",
                         "次の数値は、対象ごとに 1 回だけ指定どおりの設定（n = {n}、{steps} 回の更新）で実行したコールド"
                         "プロセスのもので、スイープの各点のものではありません。各点の結果はスイープの節にあります。"),
    "concl.arithmetic": ("{target}: {step} per step ({mode}) for {mflop} MFLOP of arithmetic ({how}), i.e. {achieved}.",
                         "{target}：1 ステップ {step}（{mode}）で演算量は {mflop} MFLOP（{how}）、すなわち {achieved} です。"),
    "concl.share": ("A large matmul ran at {rate} in the same process (its threads, one measurement: a ceiling, not "
                    "a constant of the device), so the step reaches {share} of it; at that rate the arithmetic alone "
                    "would take {floor}.",
                    "同じプロセス（同じスレッド数、1 回の測定。デバイスの定数ではなく上限の目安）で大きな行列積は {rate} で"
                    "動いたので、その {share} にとどまります。その速度なら演算そのものは {floor} で終わります。"),
    "concl.share.gpu": ("A large matmul ran at {rate} on the same device in the same process (one measurement: a "
                        "ceiling, not a constant of the device), so the step reaches {share} of it; at that rate the "
                        "arithmetic alone would take {floor}.",
                        "同じプロセスで同じデバイスに大きな行列積を実行すると {rate} でした（1 回の測定。デバイスの定数ではなく"
                        "上限の目安）。1 ステップはその {share} にとどまります。その速度なら演算そのものは {floor} で終わります。"),
    "concl.reading_overhead": ("The rest of the step is what each operation costs beyond its arithmetic (Python, "
                               "dispatch, launches, memory traffic), or arithmetic running far below a large matmul's "
                               "rate, as small matrices and convolutions do: these two rates cannot tell which, a profile "
                               "of a step can.",
                               "1 ステップの残りは、演算以外のコスト（Python、ディスパッチ、カーネル起動、メモリ転送）か、"
                               "小さな行列や畳み込みのように大きな行列積よりずっと遅い速度で動く演算です。2 つの速度からは"
                               "どちらかは分からず、1 ステップのプロファイルなら分かります。"),
    "concl.reading_mixed": ("Arithmetic takes at least that much of the step; the rest is per-operation costs or "
                            "arithmetic below a large matmul's rate (these two rates cannot tell which).",
                            "演算は少なくともその時間を占めます。残りは演算ごとのコストか、大きな行列積より遅い速度の演算です"
                            "（2 つの速度からはどちらかは分かりません）。"),
    "concl.reading_compute": ("Most of the step is arithmetic (a reading of these two rates, not a profile).",
                              "1 ステップの大半は演算です（2 つの速度からの読み取りで、プロファイルによる測定ではありません）。"),
    "concl.inside_gpu": ("Inside one step ({target}, profiled after the timed trials): the device computed for {busy} of "
                         "each {step} step ({share}); the rest of the time it waited for the host, which launched "
                         "{kernels} kernels a step from {ops} PyTorch operators (under the profiler, which stretched the "
                         "step to {profiled}, the mean gap between kernels was {gap}).",
                         "1 ステップの内側（{target}、計測の後にプロファイル）：デバイスが計算していたのは 1 ステップ {step} の"
                         "うち {busy}（{share}）です。残りの時間はホストを待っていました。ホストは PyTorch の演算 {ops} 個から"
                         " 1 ステップに {kernels} 個のカーネルを起動しました（プロファイラ下では 1 ステップが {profiled} "
                         "に延び、カーネル間の平均待ち時間は {gap} でした）。"),
    "concl.inside_gpu.graph": ("Inside one step ({target}, profiled after the timed trials): the device computed for {busy} "
                               "of each {step} step ({share}), running {kernels} kernels a step that no PyTorch operator "
                               "launched one by one (a replayed graph or hand-written kernels).",
                               "1 ステップの内側（{target}、計測の後にプロファイル）：デバイスが計算していたのは 1 ステップ "
                               "{step} のうち {busy}（{share}）で、1 ステップに {kernels} 個のカーネルを実行しました。PyTorch の"
                               "演算が 1 つずつ起動したものではありません（再生したグラフか手書きのカーネル）。"),
    "concl.inside_gpu.full": ("Inside one step ({target}, profiled after the timed trials): the device computed for {busy} "
                              "of each {step} step ({share}), running {kernels} kernels a step: the step waits on the "
                              "device's own work, not on the host, and only faster kernels, or fewer, make it shorter.",
                              "1 ステップの内側（{target}、計測の後にプロファイル）：デバイスが計算していたのは 1 ステップ {step} の"
                              "うち {busy}（{share}）で、1 ステップに {kernels} 個のカーネルを実行しました。ステップはホストではなく"
                              "デバイス自身の仕事を待っており、短くするにはカーネルを速くするか減らすしかありません。"),
    "concl.inside_gpu.whole": ("Inside one step ({target}, profiled after the timed trials): the device computed throughout "
                               "the step, its {kernels} kernels a step taking {busy} under the profiler against the {step} "
                               "a step timed without it: the step waits on the device's own work, not on the host, and only "
                               "faster kernels, or fewer, make it shorter.",
                               "1 ステップの内側（{target}、計測の後にプロファイル）：デバイスはステップの間ずっと計算していました。"
                               "1 ステップあたり {kernels} 個のカーネルがプロファイラ下で {busy} かかり、"
                               "プロファイラなしで計った 1 ステップは {step} です。ステップはホストではなくデバイス自身の仕事を待っており、短くするにはカーネルを速くするか"
                               "減らすしかありません。"),
    "concl.inside_cpu": ("Inside one step ({target}, under the profiler, which slows every operation): {ops} operators; "
                         "{matmul} of the host's time was in matrix-multiply and convolution operators and {optimizer} in "
                         "the optimizer's step, the rest in the other operators, dispatch and autograd.",
                         "1 ステップの内側（{target}、プロファイラ下ではどの演算も遅くなります）：演算は {ops} 個で、ホストの時間の"
                         "うち行列積と畳み込みの演算が {matmul}、オプティマイザの更新が {optimizer} を占め、残りはその他の演算、"
                         "ディスパッチ、自動微分でした。"),
    "concl.break_even": ("{gpu}'s training steps are {factor} cheaper than {cpu}'s ({gpu_step} against {cpu_step}, cold), "
                         "but it pays {extra} more once; it repays that after about {steps} steps (this job has {have}).",
                         "{gpu} の学習ステップは {cpu} より {factor} 短い（{gpu_step} 対 {cpu_step}、コールド）ものの、一度きりの"
                         "コストが {extra} 多くかかります。約 {steps} ステップでその分を回収します（このジョブは {have} "
                         "ステップ）。"),
    "concl.gpu_cheaper_everywhere": ("{gpu}'s training steps are cheaper than {cpu}'s ({gpu_step} against {cpu_step}, "
                                     "cold) and its one-off costs came out no larger (medians): it is ahead from the "
                                     "first step.",
                                     "{gpu} の学習ステップは {cpu} より短く（{gpu_step} 対 {cpu_step}、コールド）、一度きりの"
                                     "コストも中央値で大きくなかったため、最初のステップから先行します。"),
    "concl.gpu_loop_slower": ("{gpu}'s training steps are slower than {cpu}'s ({gpu_step} against {cpu_step}, cold): "
                              "at this size more steps only widen the gap.",
                              "{gpu} の学習ステップは {cpu} より遅い（{gpu_step} 対 {cpu_step}、コールド）ため、このサイズでは"
                              "ステップ数を増やすほど差は広がります。"),
    "concl.loop_undecided": ("The training steps of {gpu} ({gpu_step}) and {cpu} ({cpu_step}, cold) are not told apart "
                             "by these trials.",
                             "{gpu}（{gpu_step}）と {cpu}（{cpu_step}、コールド）の学習ステップの差は、この試行からは"
                             "判定できません。"),
    "concl.loop_too_few": ("The training steps of {gpu} ({gpu_step}) and {cpu} ({cpu_step}, cold) cannot be told apart "
                           "with {n} cold trials each, however far apart they are: a test needs at least {need} each.",
                           "{gpu}（{gpu_step}）と {cpu}（{cpu_step}、コールド）の学習ステップは、各 {n} 回のコールド試行では"
                           "どれほど離れていても区別できません。検定には各 {need} 回以上が必要です。"),
    "concl.loop_too_few.one": ("The training steps of {gpu} ({gpu_step}) and {cpu} ({cpu_step}, cold) cannot be told apart "
                           "with {n} cold trial each, however far apart they are: a test needs at least {need} each.",
                           "{gpu}（{gpu_step}）と {cpu}（{cpu_step}、コールド）の学習ステップは、各 {n} 回のコールド試行では"
                           "どれほど離れていても区別できません。検定には各 {need} 回以上が必要です。"),
    "concl.agreement.own": ("Each target's runs computed the same training as its first run: the losses of {n} runs "
                            "agree with it within {early} through the first half (tolerance {tol_early}) and {all} "
                            "overall (tolerance {tol_late}).{scripts}",
                            "各対象の実行はその最初の実行と同じ学習を計算しています：{n} 件の実行の損失は、前半で最大 "
                            "{early}（許容 {tol_early}）、全体で最大 {all}（許容 {tol_late}）の相対差に収まります。{scripts}"),
    "concl.agreement": ("Every measured run computed the same training: the losses of {n} runs agree with {against} "
                        "within {early} through the first half (tolerance {tol_early}) and {all} overall (tolerance "
                        "{tol_late}).{scripts}",
                        "測定したすべての実行は同じ学習を計算しています：{n} 件の実行の損失は{against}と、前半で"
                        "最大 {early}（許容 {tol_early}）、全体で最大 {all}（許容 {tol_late}）の相対差に収まります。{scripts}"),
    "concl.agreement.own.thin": ("Each target's runs ended where its first run ended: the test loss after training of {n} "
                                 "runs agrees with it within {all} (tolerance {tol_late}). A loss is logged every "
                                 "{every} steps, and these runs logged none after the one before their first update, so "
                                 "the updates between are not compared one by one (--log-every sets the interval)."
                                 "{scripts}",
                                 "各対象の実行はその最初の実行と同じところで終わっています：{n} 件の実行の学習後のテスト損失は、"
                                 "最大 {all} の相対差（許容 {tol_late}）に収まります。損失は {every} ステップごとに記録するため、"
                                 "これらの実行には最初の更新前のもの以外の記録がなく、途中の更新は 1 つずつは比べていません"
                                 "（間隔は --log-every で指定できます）。{scripts}"),
    "concl.agreement.thin": ("Every measured run ended where {against} ended: the test loss after training of {n} runs "
                             "agrees with it within {all} (tolerance {tol_late}). A loss is logged every {every} steps, "
                             "and these runs logged none after the one before their first update, so the updates "
                             "between are not compared one by one (--log-every sets the interval).{scripts}",
                             "測定したすべての実行は{against}と同じところで終わっています：{n} 件の実行の学習後のテスト損失は、"
                             "最大 {all} の相対差（許容 {tol_late}）に収まります。損失は {every} ステップごとに記録するため、"
                             "これらの実行には最初の更新前のもの以外の記録がなく、途中の更新は 1 つずつは比べていません"
                             "（間隔は --log-every で指定できます）。{scripts}"),
    "against.reference": ("the CPU's eager loop (its first run, the reference)", " CPU の eager ループ（その最初の実行が基準）"),
    "against.own": ("the first run of their own target", "同じ対象の最初の実行"),
    "concl.random": ("The model draws random numbers as it trains (dropout or the like): every run starts its generators "
                     "from the same state, so each target's runs are checked against its own first run; another device "
                     "or backend may draw other numbers (the same ones only by the way it is built), so losses are not "
                     "checked across targets.",
                     "このモデルは学習中に乱数を使います（ドロップアウトなど）。各実行は乱数生成器を同じ状態から始めるため、"
                     "対象ごとの実行をその対象の最初の実行と照合します。別のデバイスやバックエンドは別の乱数を引くことがある"
                     "（同じ乱数になるかは実装しだい）ため、対象の間では損失を照合しません。"),
    "concl.scripts_unchecked": (" Your scripts' losses are not checked: mlpbench runs them as they are and only reads their time.",
                                "スクリプトの損失は照合していません（mlpbench はそのまま実行し、時間を読むだけです）。"),
    "concl.scripts_agree": (" Your two scripts computed the same training, as far as their logs show: in each of "
                            "the other {runs} runs of both, the losses they printed (at {steps} steps) agree with those of the "
                            "first run of {a} within {early} through the first half and {all} overall (tolerance "
                            "{tol_early} and {tol_late}, relative). Nothing else of them is checked: mlpbench runs them "
                            "as they are.",
                            "2 つのスクリプトは、ログで見る限り同じ学習を計算しています：両スクリプトのほかの {runs} 回の実行"
                            "それぞれで、{steps} ステップで表示した損失は {a} の最初の実行の損失と、前半で最大 {early}、全体で"
                            "最大 {all}（許容 {tol_early} と {tol_late}、相対差）の差に収まります。それ以外は照合していません"
                            "（mlpbench はそのまま実行します）。"),
    "concl.scripts_differ": (" The losses your scripts printed differ: in {bad} of the other {runs} runs of both, they "
                             "are off those of the first run of {a} by more than the tolerance (worst: {worst}, {run}, "
                             "by up to {early} through the first half and {all} overall, at {steps} steps; tolerance "
                             "{tol_early} and {tol_late}, relative): they did not compute the same training, or they "
                             "print different things. Their times are kept: mlpbench does not know what your scripts "
                             "are meant to compute.",
                             "スクリプトが表示した損失は一致しません：両スクリプトのほかの {runs} 回の実行のうち {bad} 回で、"
                             "{a} の最初の実行の損失から許容を超えてずれています（最大は {worst} の{run}で、{steps} ステップで"
                             "前半に最大 {early}、全体で最大 {all}。許容 {tol_early} と {tol_late}、相対差）。同じ学習を計算して"
                             "いないか、表示する内容が異なります。mlpbench はスクリプトが何を計算するはずかを知らないため、"
                             "時間はそのまま残します。"),
    "concl.disagreement": ("{n} of {total} measured runs computed different losses from {against} (worst: {target}, "
                           "{run}, off by {worst} where {tol} was allowed); they are left out of every figure.",
                           "{total} 件中 {n} 件の実行で、損失が{against}と異なりました（最大は {target} の {run}、"
                           "相対差 {worst}、許容 {tol}）。これらはすべての数値から除外しています。"),
    "concl.scaling": ("{device}, {n} ranks over {pg}: the training loop takes {time}, a speed-up of {speedup} over the "
                      "fewest ranks (parallel efficiency {efficiency}); the all-reduce takes {share} of a step.",
                      "{device}、{pg} で {n} ランク：学習ループは {time}、最少ランクに対する速度向上は {speedup}"
                      "（並列効率 {efficiency}）で、1 ステップのうち all-reduce が {share} を占めます。"),
    "concl.scaling_pays": ("At this size more ranks pay.", "このサイズでは、ランクを増やす価値があります。"),
    "concl.scaling_slower": ("By the rule, more ranks made the loop slower at this size.",
                             "判定規則によれば、このサイズではランクを増やすと学習ループが遅くなりました。"),
    "concl.scaling_undecided": ("These trials do not show that more ranks make the loop faster at this size.",
                                "これらの試行からは、このサイズでランクを増やすと学習ループが速くなるとは言えません。"),
    "concl.scaling_comm": ("The all-reduce's {share} of a step is much of what more ranks lose.",
                           "ランクを増やして失う分の多くは、1 ステップの {share} を占める all-reduce です。"),
    "concl.scaling_fixed": ("The all-reduce takes only {share} of a step, so communication does not explain the lost "
                            "efficiency; each rank still pays every step's fixed costs in full (a reading, not a profile).",
                            "all-reduce は 1 ステップの {share} にすぎず、効率の低下は通信では説明できません。各ランクは演算の"
                            "一部しか受け持たないのに、毎ステップの固定コストは全額払っています（読み取りであり、プロファイル"
                            "による測定ではありません）。"),
    "change.need_gpu": ("A GPU measurement would change this report the most: without one, no CPU-against-GPU claim "
                        "can be made.",
                        "この結論を最も大きく変えるのは GPU での測定です。GPU なしでは CPU と GPU の比較はできません。"),
    "change.need_cpu": ("A CPU measurement would change this report the most: without one, nothing tells whether the "
                        "GPU was worth it (--devices cpu,cuda).",
                        "この結論を最も大きく変えるのは CPU での測定です。CPU なしでは GPU を使う価値があったかどうかは"
                        "わかりません（--devices cpu,cuda）。"),
    "change.need_cpu.cut": ("A CPU measurement would change this report the most: the CPU was planned, but the run "
                            "ended before it was measured; run the same command again, with time for it.",
                            "この結論を最も大きく変えるのは CPU での測定です。CPU も計画されていましたが、測定する前に実行が"
                            "終わりました。時間を確保して同じコマンドをもう一度実行してください。"),
    "change.need_cpu.cut.api": ("A CPU measurement would change this report the most: the CPU was planned, but the "
                                   "run ended before it was measured; make the same call again, with time for it.",
                                   "この結論を最も大きく変えるのは CPU での測定です。CPU も計画されていましたが、測定する前に"
                                   "実行が終わりました。時間を確保して同じ呼び出しをもう一度実行してください。"),
    "change.need_gpu.cut": ("A GPU measurement would change this report the most: the GPU was planned, but the run "
                            "ended before it was measured; run the same command again, with time for it.",
                            "この結論を最も大きく変えるのは GPU での測定です。GPU も計画されていましたが、測定する前に実行が"
                            "終わりました。時間を確保して同じコマンドをもう一度実行してください。"),
    "change.need_gpu.cut.api": ("A GPU measurement would change this report the most: the GPU was planned, but the "
                                   "run ended before it was measured; make the same call again, with time for it.",
                                   "この結論を最も大きく変えるのは GPU での測定です。GPU も計画されていましたが、測定する前に"
                                   "実行が終わりました。時間を確保して同じ呼び出しをもう一度実行してください。"),
    "change.sizes": ("Larger data or a larger model add arithmetic without adding kernel launches, so the GPU is "
                     "expected to gain with size: an expectation this report does not measure (it holds no sweep); "
                     "`{command}` measures whether, and where, the GPU starts to win.",
                     "データやモデルを大きくすると、カーネル起動の回数は変わらず計算量だけが増えるため、大きさとともに GPU が"
                     "有利になると予想されます。ただしこれは予想であり、このレポートでは測定していません（スイープは含まれません）。"
                     "GPU が勝つかどうか、どこから勝つかは `{command}` で測れます。"),
    "change.sizes.no_gpu": ("Larger data or a larger model add arithmetic without adding kernel launches, so a GPU is "
                            "expected to gain with size: an expectation this report does not measure. This machine has "
                            "no GPU that torch can use; on one that has, `{command}` measures whether, and where, the "
                            "GPU starts to win.",
                            "データやモデルを大きくすると、カーネル起動の回数は変わらず計算量だけが増えるため、大きさとともに GPU が"
                            "有利になると予想されます。ただしこれは予想であり、このレポートでは測定していません。このマシンには "
                            "torch が使える GPU がありません。GPU のあるマシンで `{command}` を実行すれば、GPU が勝つかどうか、"
                            "どこから勝つかを測れます。"),
    "change.sizes.scripts": ("Larger data or a larger model add arithmetic without adding kernel launches, so the GPU is "
                             "expected to gain with size: an expectation this report does not measure. A script cannot be "
                             "resized from outside; written as a workload file (make_data, build_model), the same model "
                             "can: `mlpbench sweep --workload FILE.py` measures whether, and where, the GPU starts to win.",
                             "データやモデルを大きくすると、カーネル起動の回数は変わらず計算量だけが増えるため、大きさとともに"
                             " GPU が有利になると予想されます。ただしこれは予想であり、このレポートでは測定していません。スクリプトは"
                             "外から大きさを変えられませんが、同じモデルをワークロードファイル（make_data、build_model）に書けば、"
                             "GPU が勝つかどうか、どこから勝つかを `mlpbench sweep --workload FILE.py` で測れます。"),
    "change.see_sweep": ("The sweep section shows where the answer changes with the size of the workload.",
                         "ワークロードの大きさによって結論がどこで変わるかは、スイープの節に示しています。"),
    "change.see_sweep.one_side": ("The sweep section shows how the time per step grows with the size of the workload; "
                                  "with one kind of device measured, it cannot show where the answer changes.",
                                  "ワークロードの大きさによって 1 ステップの時間がどう増えるかは、スイープの節に示しています。"
                                  "測定したデバイスが 1 種類だけなので、結論がどこで変わるかは示せません。"),
    "change.backend": ("A better backend changes the answer too: {best} needs {step} a step ({mode}), {factor} faster "
                       "than {eager}.",
                       "バックエンドを変えると結論も変わります：{best} は 1 ステップ {step}（{mode}）で、{eager} より "
                       "{factor} 速くなります。"),
    "change.backend.threads": ("It chose {threads} thread(s) by timing a few steps ({threads} ran {ratio} faster than "
                               "{eager_threads}), and {eager} ran on {eager_threads}: the thread count alone may be much of "
                               "the difference, which this comparison cannot separate; `{command}` measures the eager "
                               "loop on {threads}.",
                               "こちらは数ステップを計測してスレッド数 {threads} を選び（{threads} は {eager_threads} より {ratio} 速い）、"
                               "{eager} は {eager_threads} スレッドで動きました。差の多くはスレッド数だけによるかもしれず、この比較"
                               "では切り分けられません。`{command}` で eager ループを {threads} スレッドで測定できます。"),
    "change.backends_hint": ("Only one way of running the loop was measured; `{command}` shows how fast each device "
                             "can go.",
                             "測定したループの実行方法は 1 つだけです。`{command}` で各デバイスの限界速度がわかります。"),
}
