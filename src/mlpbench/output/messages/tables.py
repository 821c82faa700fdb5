"""Table titles, column headers, captions, and the words inside cells."""

MESSAGES: dict[str, tuple[str, str]] = {
    "table.cold": ("Cold trials: the whole job in a fresh process (median [interval])",
                   "コールド試行：新しいプロセスでのジョブ全体（中央値［区間］）"),
    "table.cold.caption": ("process: fork/exec to exit, timed from outside; inside: interpreter start to the end of "
                           "evaluation (a script: to its last line); own figure: the time the run printed about itself "
                           "(a script: its own line; mlpbench's job: from after import torch, as the seed's scripts time "
                           "themselves)",
                           "プロセス：起動から終了まで外部で計測。内部：インタプリタ起動から評価の終わりまで（スクリプトは"
                           "最後の行まで）。表示された実行時間：実行が自分で出力した時間（スクリプトはその出力、mlpbench の"
                           "ジョブは元のスクリプトと同じく import torch の直後から）"),
    "table.phases": ("Where the time goes, phase by phase (cold, median, share of the time inside the process)",
                     "フェーズ別の時間（コールド、中央値、プロセス内の時間に占める割合）"),
    "table.phases.caption": ("For {targets}, the phases' medians add up to more than the median total: a median of "
                             "parts need not add up to the median of the whole, as each comes from its own trial. The "
                             "shares are then of that sum, so that they never add up to more than 100 %.",
                             "{targets} では、各フェーズの中央値の和が合計の中央値を上回ります。中央値はフェーズごとに別の試行から"
                             "決まるため、部分の中央値の和は全体の中央値と一致するとは限りません。そのため割合はその和に対する"
                             "ものとし、合計が 100 % を超えないようにしています。"),
    "table.warm": ("Warm trials: the training loop alone, after warm-up (median [interval])",
                   "ウォーム試行：ウォームアップ後の学習ループのみ（中央値［区間］）"),
    "table.comparison": ("Against the baseline ({baseline})", "基準との比較（{baseline}）"),
    "table.comparison.caption": ("time ratio = candidate median / baseline median, with its 95 % bootstrap interval "
                                 "(with fewer than 6 trials a side only a rough range); "
                                 "a verdict needs both the Mann-Whitney U test (two-sided, p < 0.05) and an interval "
                                 "that excludes 1",
                                 "時間比 = 対象の中央値 / 基準の中央値（95 % ブートストラップ区間つき。各 6 回未満の試行では大まかな範囲にすぎません）。判定には Mann-Whitney "
                                 "の U 検定（両側、p < 0.05）と、1 を含まない区間の両方が必要"),
    "table.comparison.scripts": ("a script is set against mlpbench's own job of {workload}: they compute the same "
                                 "training only where the script trains what that file defines, which mlpbench cannot see",
                                 "スクリプトは mlpbench 自身のジョブ（{workload}）と比べています。両者が同じ学習を計算するのは、"
                                 "スクリプトがそのファイルの定義どおりに学習する場合だけで、mlpbench にはそれを確かめられません"),
    "table.scaling": ("Data-parallel scaling: the training loop on N ranks against the fewest",
                      "データ並列のスケーリング：N ランクと最少ランクの学習ループの比較"),
    "table.scaling.caption": ("efficiency = speed-up / (ranks / fewest ranks); the all-reduce share is measured "
                              "against no_sync() steps",
                              "並列効率 = 速度向上 / （ランク数 / 最少ランク数）。all-reduce の割合は no_sync() のステップとの"
                              "差で測定"),
    "table.memory": ("Peak memory of the first complete run", "最初に完了した実行のピークメモリ"),
    "table.memory.caption": ("host: the process's own peak resident set (Linux's VmHWM; elsewhere, and in older "
                             "results, getrusage, which also counts what the process inherited from its parent); "
                             "device: torch's caching allocator (max_memory_allocated / max_memory_reserved)",
                             "ホスト：プロセス自身の最大常駐メモリ（Linux の VmHWM。それ以外の環境と以前の結果では"
                             " getrusage で、親プロセスから引き継いだ分も含みます）。デバイス：torch のキャッシュ"
                             "アロケータ（max_memory_allocated / max_memory_reserved）"),
    "table.memory.cumulative": ("{rss} (cumulative)", "{rss}（累積）"),
    "table.memory.caption.cumulative": ("; cumulative: measured in the notebook's own process, whose high-water mark "
                                        "could not be reset, so it includes the targets measured before",
                                        "。累積：ノートブック自身のプロセスで測定し、最大値をリセットできなかったため、"
                                        "先に測定した対象の分も含みます"),
    "table.checks": ("Losses of every measured run against the CPU's eager loop", "測定した全実行の損失と CPU の eager ループとの比較"),
    "table.checks.own": ("Losses of every measured run against its target's first run", "測定した全実行の損失と同じ対象の最初の実行との比較"),
    "table.checks.caption": ("runs: the measured runs whose losses were checked; worst: the largest relative "
                             "difference of a logged train loss or the test loss, |Δ| / max(|baseline|, 1 % of the first "
                             "loss), strictly over the first half and loosely over all steps; a run outside the tolerance "
                             "is left out of every figure",
                             "実行数：損失を照合した測定実行の数。最大差：記録した学習損失とテスト損失の相対差の最大値 "
                             "|Δ| / max(|基準|, 最初の損失の 1 %)。前半は厳しく、全ステップは緩く判定。許容範囲を外れた実行は"
                             "すべての数値から除外"),
    "table.family.caption": ("\"p among N\" is the p-value adjusted for all N comparisons of the table "
                             "(Benjamini-Hochberg: among the differences it calls, 5 % at most are expected to be chance); "
                             "the verdict reads it",
                             "「補正後の p（N 件）」は表の N 件の比較すべてについて補正した p 値です（Benjamini-Hochberg 法：差ありと"
                             "判定したもののうち偶然によるものは多くとも 5 % と見込まれます）。判定はこの値によります"),
    "table.family.first_screen": ("the answer at the top asks each of its few questions alone, so it can call a difference "
                                  "that this table, scanning many, does not",
                                  "冒頭の「結論」の問いは一つずつ検定するため、多くを比べるこの表では差ありとならない差を"
                                  "示すことがあります"),
    "table.compare": ("{b} against {a}", "{a} に対する {b}"),
    "table.compare.caption": ("A = {a}, B = {b}; a verdict needs the Mann-Whitney U test (two-sided, p < 0.05) and a "
                              "ratio interval that excludes 1",
                              "A = {a}、B = {b}。判定には Mann-Whitney の U 検定（両側、p < 0.05）と、1 を含まない時間比の区間の"
                              "両方が必要"),
    "table.compare.different": ("“different work”: a figure the two files' settings change (the warning below names "
                                "them), with no verdict; where only the steps differ, the training loop is compared "
                                "per step",
                                "「異なる処理」：2 つのファイルの設定の違いで変わる数値（下の警告に設定を示します）で、判定は"
                                "しません。ステップ数だけが違う場合、学習ループは 1 ステップあたりで比べます"),
    "figure.point_step": ("{point} · per step (warm)", "{point}・1 ステップあたり（ウォーム）"),
    "figure.per_step": ("{figure} per step", "{figure}（1 ステップあたり）"),
    "table.profile": ("Inside one step: a few steps under torch.profiler, after the timed trials",
                      "1 ステップの内側：計測の後に torch.profiler で数ステップを記録"),
    "table.profile.caption": ("operators: PyTorch operators called per step (0 where a replayed graph or hand-written "
                              "kernels run the step); device busy: the union of its kernels' times (the device's clock) "
                              "per step; share: of the warm step time (at most 100 %: kernels timed under the profiler "
                              "can add up to a little more than a step timed without it); mean gap: between kernels, under "
                              "the profiler; step, profiled: a step's time under the profiler, which stretches it (its gaps "
                              "are measured there, its busy share is not); "
                              "matmul share: of the host's time under the profiler (which slows every operation)",
                              "演算：1 ステップで呼ばれた PyTorch の演算の数（再生したグラフや手書きカーネルが 1 ステップを実行する"
                              "場合は 0）。デバイスの稼働：1 ステップあたりのカーネル時間の和集合（デバイスの時計）。割合：ウォームの "
                              "1 ステップの時間に対する割合（最大 100 %。プロファイラ下で計ったカーネルの時間は、"
                              "プロファイラなしで計ったステップより少し長くなりうるため）。平均待ち時間：プロファイラ下での"
                              "カーネル間の間隔。プロファイラ下の 1 ステップ：プロファイラで引き延ばされた 1 ステップの"
                              "時間（待ち時間はこの下で測り、稼働率はこれに対する割合ではありません）。行列積の割合："
                              "プロファイラ下のホスト時間に対する割合（プロファイラはどの演算も遅くします）"),
    "table.profile.invalid": ("; “–” for the device where the profile counted an annotation (the optimizer step drawn on "
                              "the device's timeline, idle time included) as device work: files of mlpbench before "
                              "commit cb63f6b (the H200 run of 0701d5e among them) keep those numbers, and the report "
                              "does not quote them",
                              "。デバイスの欄の「–」は、注釈（デバイスのタイムラインに描かれたオプティマイザのステップで、"
                              "待ち時間を含む）をデバイスの処理として数えたプロファイルです。コミット cb63f6b より前の"
                              " mlpbench のファイル（0701d5e の H200 の実行を含む）はその数値を保持していますが、レポートでは"
                              "引用しません"),
    "table.energy": ("Energy per training run, all its steps (warm trials)",
                     "学習 1 回（全ステップ）あたりのエネルギー（ウォーム試行）"),
    "table.energy.caption": ("GPU: NVML's total-energy counter of the GPU the job ran on (found by its UUID); CPU: "
                             "the RAPL counters of the CPU packages (powercap); over the warm trials and their warm-ups, "
                             "each run's untimed evaluation and reset included, divided by the runs. A data-parallel "
                             "run adds up every rank's GPU; its CPU packages are those of rank 0's machine",
                             "GPU：ジョブを実行した GPU（UUID で特定）の NVML 累積エネルギーカウンタ。CPU：CPU パッケージの "
                             "RAPL カウンタ（powercap）。ウォーム試行とウォームアップの全体（各回の計測外の評価とリセットを"
                             "含む）を実行回数で割った値。データ並列の実行では全ランクの GPU を合計し、CPU パッケージは"
                             "ランク 0 のマシンのものです"),
    "energy.unavailable": ("{what}: {reason}", "{what}：「{reason}」"),
    "col.ops": ("operators / step", "演算 / ステップ"),
    "col.kernels": ("kernels / step", "カーネル / ステップ"),
    "col.busy": ("device busy / step", "デバイス稼働 / ステップ"),
    "col.busy_share": ("busy share", "稼働率"),
    "col.gap": ("mean gap", "カーネル間の平均待ち時間"),
    "col.profiled_step": ("step, profiled", "プロファイラ下の 1 ステップ"),
    "col.matmul_share": ("matmul share (host)", "行列積の割合（ホスト）"),
    "col.gpu_energy": ("GPU", "GPU"),
    "col.cpu_energy": ("CPU package", "CPU パッケージ"),
    "col.energy_note": ("not measured", "測定できなかったもの"),
    "col.target": ("target", "対象"),
    "col.process": ("process, outside", "プロセス（外部計測）"),
    "col.coverage": ("coverage", "信頼度"),
    "col.inside": ("total, inside", "合計（内部計測）"),
    "col.own_figure": ("own figure", "表示された実行時間"),
    "col.train": ("training", "学習"),
    "col.failed": ("failed or left out", "失敗・除外"),
    "col.phase": ("phase", "フェーズ"),
    "col.loop": ("training loop", "学習ループ"),
    "col.per_step": ("per step", "1 ステップ"),
    "col.achieved": ("achieved", "達成性能"),
    "col.stopped_by": ("stopped by", "停止理由"),
    "col.figure": ("figure", "指標"),
    "col.ratio": ("time ratio", "時間比"),
    "col.ratio_interval": ("bootstrap interval", "ブートストラップ区間"),
    "col.speedup": ("speed-up", "速度向上"),
    "col.verdict": ("verdict", "判定"),
    "col.p_family": ("p among {n}", "補正後の p（{n} 件）"),
    "col.device": ("device", "デバイス"),
    "col.ranks": ("ranks", "ランク数"),
    "col.efficiency": ("efficiency", "並列効率"),
    "col.allreduce": ("all-reduce share", "all-reduce の割合"),
    "col.rss": ("host peak", "ホストのピーク"),
    "col.allocated": ("device, allocated", "デバイス（割り当て）"),
    "col.reserved": ("device, reserved", "デバイス（予約）"),
    "col.runs": ("runs", "実行数"),
    "col.worst_early": ("worst, first half", "最大差（前半）"),
    "col.worst": ("worst, all", "最大差（全体）"),
    "col.tolerance": ("tolerance", "許容範囲"),
    "col.result": ("result", "結果"),
    "col.a_median": ("A median", "A の中央値"),
    "col.b_median": ("B median", "B の中央値"),
    "col.point": ("point", "点"),
    "col.whole_job": ("whole job", "ジョブ全体"),
    "col.status": ("status", "状態"),
    "col.overhead": ("overhead per step", "1 ステップのオーバーヘッド"),
    "col.throughput": ("throughput", "スループット"),
    "col.max_error": ("max error", "最大誤差"),
    "col.points": ("points", "点数"),
    "col.fit": ("fit", "当てはまり"),
    "check.passed": ("all within", "すべて範囲内"),
    "check.failed": ("{n} outside", "{n} 件が範囲外"),
    "model.fits": ("good", "良好"),
    "model.poor": ("poor: not quoted", "不十分（採用しない）"),
    "figure.cold.wall": ("whole process (cold)", "プロセス全体（コールド）"),
    "figure.cold.total": ("total inside (cold)", "内部計測の合計（コールド）"),
    "figure.cold.seed_time": ("own figure (cold)", "表示された実行時間（コールド）"),
    "figure.warm.train": ("training loop (warm)", "学習ループ（ウォーム）"),
    "status.ok": ("ok", "完了"),
    "status.failed": ("failed", "失敗"),
    "status.timeout": ("timed out", "タイムアウト"),
    "status.diverged": ("diverged", "発散"),
    "status.oom": ("out of memory", "メモリ不足"),
    "status.unsupported": ("not supported", "非対応"),
    "status.mismatch": ("wrong losses", "損失が不一致"),
    "stopped.converged": ("stable", "安定"),
    "stopped.time": ("time limit", "時間上限"),
    "stopped.max_runs": ("run limit", "回数上限"),
}
