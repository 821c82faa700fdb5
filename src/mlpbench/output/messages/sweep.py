"""The sweep: where the GPU wins, claimed only where the points decide it."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sweep.intro": ("Swept {parameter} over {values} ({what}). At each point every target ran the job with {ran} "
                    "and then warm trials of it; the one-off costs were measured once per target, so {whole} can be "
                    "derived at every point.",
                    "{parameter} を {values} の範囲で変化させました（{what}）。各点で各対象が {ran} でジョブを実行し、"
                    "続けてウォーム試行を行いました。一度きりのコストは対象ごとに 1 回測定したので、{whole} も各点で"
                    "求められます。"),
    "sweep.resumed": ("This sweep was continued with --resume: {points} of its {total} point measurements and "
                        "{one_off} one-off run(s) were measured by an earlier session, on the same CPU, GPU, Python "
                        "and torch, with the same settings (a resume refuses any other).",
                        "このスイープは --resume で続きから実行しました。点の測定 {total} 件のうち {points} 件と一度きりの"
                        "実行 {one_off} 件は以前のセッションで測定したものです（CPU・GPU・Python・torch と設定は同じ。"
                        "異なる場合は再開を拒否します）。"),
    "sweep.resumed.unchecked": ("This sweep was continued with --resume: {points} of its {total} point measurements "
                                "and {one_off} one-off run(s) come from an earlier session's journal, measured with "
                                "the same settings; no earlier results file was there to show that they ran on this "
                                "machine and software.",
                                "このスイープは --resume で続きから実行しました。点の測定 {total} 件のうち {points} 件と一度きりの"
                                "実行 {one_off} 件は以前のセッションのジャーナルからのもので、設定は同じです。以前の結果ファイルが"
                                "なかったため、同じマシンとソフトウェアで測定したかどうかは確かめられません。"),
    "sweep.ran": ("{steps} updates (--trial-steps)", "{steps} 回の更新（--trial-steps）"),
    "sweep.ran.capped": ("{steps} updates (--steps {steps}, which caps --trial-steps {trial_steps})",
                         "{steps} 回の更新（--steps {steps}。これが --trial-steps {trial_steps} の上限になります）"),
    "sweep.ran.each": ("the point's own steps as its number of updates, capped at --trial-steps {trial_steps} ({items})",
                       "その点の steps を更新回数とし、--trial-steps {trial_steps} 回を上限とした更新（{items}）"),
    "sweep.ran.item": ("{steps} at {points}", "{points} では {steps} 回"),
    "sweep.whole": ("the whole job of the configured {steps} updates (--steps)",
                    "設定どおり {steps} 回（--steps）更新するジョブ全体の時間"),
    "sweep.whole.each": ("the whole job at each point's own number of updates (its steps value)",
                         "各点自身の更新回数（その点の steps の値）でのジョブ全体の時間"),
    "sweep.whole.batch": ("Every batch size makes the same {steps} updates, so a larger batch sees more rows: the "
                          "points compare updates alike, not epochs.",
                          "どのバッチサイズも同じ {steps} 回更新するので、大きなバッチほど多くの行を処理します。各点は"
                          "エポックではなく更新回数をそろえて比べています。"),
    "parameter.n": ("samples, train and test", "サンプル数（学習 + テスト）"),
    "parameter.width": ("a multiplier on every hidden width of the built-in MLP", "組み込み MLP の隠れ層の幅の倍率"),
    "parameter.steps": ("optimizer updates", "更新回数"),
    "parameter.batch": ("rows per update", "1 回の更新に使う行数"),
    "parameter.nproc": ("data-parallel ranks", "データ並列のランク数"),
    "kind.steady": ("per step, once warm", "ウォームアップ後の 1 ステップ"),
    "kind.short.end_to_end": ("whole job (derived)", "ジョブ全体（導出値）"),
    "kind.short.steady": ("per step", "1 ステップあたり"),
    "kind.end_to_end": ("whole job, start-up included (derived: the per-step times plus one cold process's one-off "
                        "costs, not timed as a whole)",
                        "起動を含むジョブ全体（導出値：1 ステップの時間に、コールドプロセス 1 回の一度きりのコストを加えたもので、"
                        "全体を計測したものではありません）"),
    "sweep.context": (" (at {context})", "（{context} のとき）"),
    "sweep.inside.steady": ("Per step, {gpu} overtakes {cpu} between the measured points {parameter} = {a} and {b}, "
                            "near {value} by log-log interpolation{context}.",
                            "1 ステップあたりでは、{gpu} は測定点 {parameter} = {a} と {b} の間で {cpu} を上回ります"
                            "（両対数の補間で約 {value}）{context}。"),
    "sweep.inside.steady.behind": ("Per step, {gpu} is faster than {cpu} only below a point between {parameter} = {a} "
                                   "and {b} (near {value} by log-log interpolation){context}, and slower above it.",
                                   "1 ステップあたりで {gpu} が {cpu} より速いのは {parameter} = {a} と {b} の間の点（両対数の補間で約 "
                                   "{value}）より下だけで{context}、それより上では遅くなります。"),
    "sweep.inside.end_to_end": ("For the whole job, start-up included (derived from the per-step times and one cold "
                                "process's one-off costs, not timed as a whole), {gpu} finishes first from between {parameter} = "
                                "{a} and {b} on (near {value} by log-log interpolation){context}.",
                                "起動を含むジョブ全体（1 ステップの時間とコールドプロセス 1 回の一度きりのコストから導いた値で、全体を計測した"
                                "ものではありません）では、{parameter} = {a} と {b} の間（両対数の補間で約 {value}）から {gpu} が先に終わり"
                                "ます{context}。"),
    "sweep.inside.end_to_end.behind": ("For the whole job, start-up included (derived from the per-step times and one "
                                       "cold process's one-off costs, not timed as a whole), {gpu} finishes first only below a point "
                                       "between {parameter} = {a} and {b} (near {value} by log-log interpolation){context}.",
                                       "起動を含むジョブ全体（導出値）で {gpu} が先に終わるのは、{parameter} = {a} と {b} の間の点（両対数の補間で約 "
                                       "{value}）より下だけです{context}。"),
    "sweep.between": ("{kind}: the crossover of {gpu} and {cpu} lies between {parameter} = {a} and {b}, not yet "
                      "resolved: the points between them do not decide{context}; more trials there may.",
                      "{kind}：{gpu} と {cpu} の交点は {parameter} = {a} と {b} の間にありますが、まだ確定していません。その間の"
                      "点では差が判定できないためです{context}。そこで試行を増やせば確定する可能性があります。"),
    "sweep.faster_throughout": ("{kind}: {gpu} is faster than {cpu} at every measured {parameter} ({low}–{high}"
                                "{context}), so any crossover lies below the range.",
                                "{kind}：測定したすべての {parameter}（{low}–{high}{context}）で {gpu} は {cpu} より速く、"
                                "交点があるとすれば範囲より下です。"),
    "sweep.slower_throughout": ("{kind}: {gpu} is slower than {cpu} at every measured {parameter} ({low}–{high}"
                                "{context}): no crossover inside the range.",
                                "{kind}：測定したすべての {parameter}（{low}–{high}{context}）で {gpu} は {cpu} より遅く、"
                                "範囲内に交点はありません。"),
    "sweep.mixed": ("{kind}: {gpu} and {cpu} change places more than once across the measured {parameter}{context}: "
                    "{decided}. No single crossover can be named: noise the trials did not catch, or a real change of "
                    "regime between the points (more trials per point, --warm-runs, would tell which).",
                    "{kind}：測定した {parameter} の範囲で {gpu} と {cpu} の速さが 2 回以上入れ替わります{context}。"
                    "{decided}。交点を 1 つに定めることはできません。試行で捉えきれなかったノイズか、点の間で実際に"
                    "傾向が変わったかのどちらかで、点あたりの試行（--warm-runs）を増やせば区別できます。"),
    "sweep.undecided": ("{kind}: {decided}{context}; elsewhere the trials do not decide, so the measured points do not "
                        "locate where {gpu} and {cpu} cross. More trials per point (--warm-runs) or more points may.",
                        "{kind}：{decided}{context}。それ以外の点では判定できないため、測定点からは {gpu} と {cpu} の"
                        "交点は定まりません。点あたりの試行（--warm-runs）か測定点を増やすと定まる可能性があります。"),
    "sweep.too_few": ("{kind}, at {parameter} = {values}{context}: every trial of {gpu} was {side} than every trial "
                      "of {cpu}, but too few trials ran there for the test to decide it (with so few, no order of the "
                      "trials reaches p < 0.05; {need} a side can): --warm-runs {need} or more could.",
                      "{kind}、{parameter} = {values}{context} では {gpu} のどの試行も {cpu} のどの試行より{side}ものの、"
                      "試行が少なすぎて検定では判定できません（この回数ではどんな結果でも p < 0.05 になりません。各 {need} 回なら"
                      "なりえます）。"
                      "--warm-runs {need} 以上なら判定できる可能性があります。"),
    "sweep.side.slower": ("slower", "遅かった"),
    "sweep.side.faster": ("faster", "速かった"),
    "sweep.growth": ("From {parameter} = {a} to {b}{context} the arithmetic of a step grew {work}; the time of a step "
                     "changed {gpu_growth} on {gpu} and {cpu_growth} on {cpu}. A step whose time does not follow its "
                     "arithmetic is set by something else: on a GPU, usually launching its kernels and the host's "
                     "work between them (a profile of the step measures which).",
                     "{parameter} = {a} から {b} まで{context}、1 ステップの計算量は {work} になりました。1 ステップの"
                     "時間は {gpu} で {gpu_growth}、{cpu} で {cpu_growth} になりました。計算量に比例しない時間は別のもの"
                     "で決まっています。GPU では多くの場合、カーネルの起動とその間のホストの処理です"
                     "（どれかは 1 ステップのプロファイルで測れます）。"),
    "sweep.inversion": ("{target} took decidedly less time per step at {parameter} = {b} ({tb}) than at {a} ({ta}){context}, "
                        "though every step there does more work: the machine may have been busier while the smaller "
                        "point ran, or the library chose another kernel{threads} at that size; these trials "
                        "cannot tell which, and a new sweep would show whether it stays.",
                        "{target} は {parameter} = {b} のほうが {a} より 1 ステップの時間が短いと判定されました（{tb} 対 "
                        "{ta}）{context}。1 ステップの計算量は大きいほうが多いはずです。小さい点を測ったときにマシンが混んで"
                        "いたか、ライブラリがそのサイズで別のカーネル{threads}を選んだ可能性があります。どちらかはこの"
                        "試行からはわかりません。スイープをやり直せば、続くかどうかがわかります。"),
    "sweep.derived_off": ("At {point}, the whole job derived for {target} ({derived}) is {off} {side} its one cold "
                          "process measured there ({measured}): the derivation counts every step at the warm rate, and "
                          "a fresh process's first steps run at their own (lazy initialisation, cold caches, or a busier "
                          "machine then). The whole-job figures of this sweep may be off by as much.",
                          "{point} では、{target} について導出したジョブ全体（{derived}）が、そこで測った 1 回のコールド"
                          "プロセス（{measured}）より {off} {side}。導出はすべてのステップをウォームの速さで数えますが、新しい"
                          "プロセスの最初のステップはそれとは違う速さで動きます（遅延初期化、冷えたキャッシュ、その時の"
                          "マシンの混雑）。このスイープのジョブ全体の数値は同じくらいずれている可能性があります。"),
    "sweep.side.below": ("below", "短くなっています"),
    "sweep.side.above": ("above", "長くなっています"),
    "sweep.or_threads": (" or another thread count", "や別のスレッド数"),
    "sweep.outgrew": ("{target} took {growth} as long per step at {parameter} = {b} ({tb}) as at {a} ({ta}){context}, "
                      "for {work} the arithmetic: far more than the work explains. The machine may have been busier "
                      "while the larger point ran, or its data outgrew a cache at that size; these trials cannot tell "
                      "which, and a new sweep would show whether it stays.",
                      "{target} の 1 ステップの時間は、{parameter} = {b} では {a} の {growth}（{tb} 対 {ta}）になりました"
                      "{context}。計算量は {work} なので、計算量では説明できないほど長くなっています。大きい点を測ったときに"
                      "マシンが混んでいたか、そのサイズでデータがキャッシュに収まらなくなった可能性があります。どちらかは"
                      "この試行からはわかりません。スイープをやり直せば、続くかどうかがわかります。"),
    "sweep.steady_alike": ("Per step, once warm, every point is decided as for the whole job{context}.",
                           "ウォームアップ後の 1 ステップあたりでも、各点の判定は同じです{context}。"),
    "sweep.decided_faster": ("{gpu} is decidedly faster at {parameter} = {values}", "{gpu} が速いと判定できたのは {parameter} = {values} の点です"),
    "sweep.decided_slower": ("{gpu} is decidedly slower at {parameter} = {values}", "{gpu} が遅いと判定できたのは {parameter} = {values} の点です"),
    "sweep.decided_none": ("no point decides", "判定できた点はありません"),
    "sweep.model_poor": ("The cost models fit the points poorly ({fits}; a model is used where R² ≥ {r2} and every "
                         "point lies within {error} of it), so where they cross is not quoted.",
                         "コストモデルの当てはまりが悪い（{fits}。R² ≥ {r2} かつすべての点が {error} 以内のときだけ使います）"
                         "ため、その交点は示しません。"),
    "sweep.fit": ("{target}: R² {r2}, a point up to {error} off", "{target}：R² {r2}、最大 {error} のずれ"),
    "sweep.predicted": ("The fitted cost models cross at {parameter} ≈ {value} (per step).",
                        "当てはめたコストモデルは {parameter} ≈ {value} で交差します（1 ステップあたり）。"),
    "sweep.predicted_none": ("The fitted cost models do not cross near the swept range.",
                             "当てはめたコストモデルは、範囲の近くでは交差しません。"),
    "sweep.repay": ("{gpu} repays the one-off costs it has beyond the CPU's (device start-up, copies, set-up, "
                    "evaluation, the process's exit; import and the first optimizer counted alike for both) after {items}{context}.",
                    "{gpu} は CPU より多くかかる一度きりのコスト（デバイス初期化、転送、セットアップ、評価、プロセスの終了。import と最初の"
                    "オプティマイザは両者同じとして数えます）を{context}、{items}で回収します。"),
    "sweep.repay_item.first": ("about {steps} steps at {parameter} = {value}", "{parameter} = {value} では約 {steps} ステップ"),
    "sweep.repay_item": ("{steps} at {value}", "{value} では約 {steps} ステップ"),
    "sweep.repay_at_once": ("At {parameter} = {value}{context}, {gpu} has no extra one-off costs to repay: they came "
                            "out no larger than the CPU's (measured once per target, so untested) and its steps are "
                            "faster, so it is ahead from the first step.",
                            "{parameter} = {value}{context} では、{gpu} に回収すべき余分な一度きりのコストはありません。"
                            "一度きりのコストは CPU 以下（対象ごとに 1 回の測定なので検定はしていません）で 1 ステップも速いため、"
                            "最初のステップから先行します。"),
    "sweep.repay_never": ("At {parameter} = {value}{context}, the steps of {gpu} are slower, so no run length repays "
                          "its start-up.",
                          "{parameter} = {value}{context} では {gpu} の 1 ステップのほうが遅いため、どれだけ長く学習しても"
                          "起動コストは回収できません。"),
    "sweep.no_gpu": ("No GPU was measured in this sweep, so it cannot show where a GPU wins.",
                     "このスイープでは GPU を測定していないため、GPU がどこで勝つかは示せません。"),
    "sweep.no_baseline": ("No CPU was measured in this sweep, so there is no baseline to cross.",
                          "このスイープでは CPU を測定していないため、比較の基準がありません。"),
    "sweep.failed": ("Points that did not finish:", "完了しなかった点："),
    "sweep.skipped": ("Skipped when --time-limit ran out: {items}.", "--time-limit に達したため省略：{items}。"),
    "sweep.table": ("Time per step at each point (warm median [interval])", "各点の 1 ステップの時間（ウォームの中央値［区間］）"),
    "sweep.table.caption": ("per step: the median of the warm trials at that point, with its interval; whole job: "
                            "derived, not timed — the target's one-off costs, measured in one cold run (import torch and "
                            "the first optimizer, the same work on every device, as the median over all targets' runs; "
                            "the interpreter's start and exit included), and the point's own data, copies and evaluation, "
                            "plus the job's updates (--steps, or the point's own steps where steps are swept) at the per-step median. The one-off costs are measured once, so a "
                            "whole-job point is decided only where its steps are decided the same way",
                            "1 ステップ：その点のウォーム試行の中央値と区間。ジョブ全体：計測値ではなく導出値で、1 回の"
                            "コールド実行で測った対象の一度きりのコスト（torch の import と最初のオプティマイザ生成はどのデバイスでも"
                            "同じ処理なので、全対象の実行の中央値。インタプリタの起動と終了を含む）と、その点のデータ生成・転送・評価に、ジョブの更新回数（--steps。steps を変化させた場合はその点の steps）× 1 ステップの中央値を加えたもの。"
                            "一度きりのコストは 1 回しか測っていないため、ジョブ全体の判定は、その点の 1 ステップの判定が"
                            "同じ向きに定まった場合に限ります"),
    "sweep.models": ("Cost model per target: time per step ≈ overhead + FLOPs / throughput (least squares)",
                     "対象ごとのコストモデル：1 ステップの時間 ≈ オーバーヘッド + 演算量 / スループット（最小二乗法）"),
    "sweep.models.caption": ("a model is quoted only where it fits: R² at least 0.9 and no point off by more than 25 %",
                             "R² が 0.9 以上で、どの点も 25 % 以上外れない場合にだけモデルを採用します"),
}
