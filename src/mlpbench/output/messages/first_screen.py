"""The answer on the first screen: verdict, why, steady state, when the GPU wins, what was not done;
and the plain names of devices, backends, phases and modes it is told in."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ----- names --------------------------------------------------------------------------------------------
    "name.cpu": ("the CPU", "CPU"),
    "name.gpu": ("the GPU", "GPU"),
    "name.gpu_named": ("the GPU ({gpu})", "{gpu} GPU"),
    "name.mps": ("the Apple GPU", "Apple GPU"),
    "name.script": ("your script {script}", "スクリプト {script}"),
    "name.script_on": ("{what} on {device}", "{device} で実行した {what}"),
    "name.ranks": ("{n} data-parallel ranks", "データ並列 {n} ランク"),
    "name.ranks.one": ("one data-parallel rank", "データ並列 1 ランク"),
    "name.with": ("{what} with {how}", "{what}・{how}"),
    "label.cpu": ("CPU", "CPU"),
    "label.cuda": ("GPU", "GPU"),
    "label.gpu_named": ("GPU {gpu}", "GPU {gpu}"),
    "label.mps": ("Apple GPU", "Apple GPU"),
    "label.script": ("script {script}", "スクリプト {script}"),
    "label.ranks": ("{n} ranks", "{n} ランク"),
    "label.ranks.one": ("1 rank", "1 ランク"),
    "backend.eager": ("plain PyTorch", "素の PyTorch"),
    "backend.tuned": ("tuned PyTorch", "調整済み PyTorch"),
    "backend.compile": ("torch.compile", "torch.compile"),
    "backend.cuda-graph": ("a captured CUDA graph", "キャプチャした CUDA グラフ"),
    "backend.fused": ("hand-fused kernels", "手書きの融合カーネル"),
    "backend.jax": ("JAX", "JAX"),
    "mode.cold": ("cold", "コールド"),
    "mode.warm": ("warm", "ウォーム"),
    "mode.sweep": ("sweep", "スイープ"),
    "mode.long.warm": ("the training loop alone, timed after warm-up runs", "ウォームアップ後に繰り返した学習ループのみ"),
    "mode.long.cold": ("the training phase of fresh processes", "新しいプロセスでの学習フェーズ"),
    # ----- phases -------------------------------------------------------------------------------------------
    "phase.import": ("import", "import"),
    "phase.device_check": ("device check", "デバイス確認"),
    "phase.process_group": ("process group", "プロセスグループ"),
    "phase.device_init": ("device start-up", "デバイス初期化"),
    "phase.data": ("data", "データ生成"),
    "phase.to_device": ("copy to device", "デバイスへの転送"),
    "phase.setup": ("setup", "セットアップ"),
    "phase.first_optimizer": ("first optimizer", "最初のオプティマイザ生成"),
    "phase.compile": ("compile", "コンパイル"),
    "phase.train": ("training", "学習"),
    "phase.eval": ("evaluation", "評価"),
    "phase.interpreter": ("interpreter start", "インタプリタ起動"),
    "phase.import_torch": ("import torch", "import torch"),
    "phase.cuda_init": ("CUDA start-up", "CUDA 初期化"),
    "phase.rest": ("the rest of the script", "スクリプトの残り"),
    "phase.total": ("total (inside)", "合計（内部計測）"),
    "phase.after": ("mlpbench's checks after the job", "ジョブ後の mlpbench 自身の確認処理"),
    "phase.exit": ("process exit (outside)", "プロセス終了（外部計測）"),
    "phase.seed_time": ("the run's own figure", "実行自身が出力した時間"),
    "phase.wall": ("whole process (outside)", "プロセス全体（外部計測）"),
    "phase.other": ("other (in no phase)", "その他（どのフェーズにも含まれない）"),
    "phase.step": ("per step", "1 ステップ"),
    # ----- the verdict --------------------------------------------------------------------------------------
    "verdict.gpu_first": (
        "{gpu} finished the whole job first: {gpu_time} against {cpu_time} on {cpu}, {speedup} faster ({detail}).",
        "ジョブ全体を先に終えたのは {gpu} です：{gpu_time}。{cpu} の {cpu_time} より {speedup} 速く終わりました（{detail}）。"),
    "verdict.cpu_first": (
        "{cpu} finished the whole job first: {cpu_time} against {gpu_time} on {gpu}, which took {ratio} as long ({detail}).",
        "ジョブ全体を先に終えたのは {cpu} です：{cpu_time}。{gpu} は {gpu_time} で、{ratio} の時間がかかりました（{detail}）。"),
    "verdict.too_few": (
        "These trials cannot tell yet which device finishes the whole job first: {cpu} took {cpu_time} and {gpu} "
        "{gpu_time} (ratio {ratio}). Every run of {faster} was the faster one, but with {n} trials each even that "
        "gives a test p = {p_min} at best, above the 0.05 a difference needs: run at least {need} each for the test "
        "and {need_interval} for 95 % intervals ({how}).",
        "この試行数では、ジョブ全体をどちらが先に終えるかはまだ判定できません：{cpu} は {cpu_time}、{gpu} は {gpu_time}"
        "（時間比 {ratio}）でした。{faster} のほうがどの回も速かったものの、各 {n} 回では検定の p 値は最小でも "
        "{p_min} で、差を示すのに必要な 0.05 を下回れません。検定には各 {need} 回以上、95 % 区間には各 {need_interval} 回"
        "が必要です（{how}）。"),
    "verdict.too_few.one": (
        "These trials cannot tell yet which device finishes the whole job first: {cpu} took {cpu_time} and {gpu} "
        "{gpu_time} (ratio {ratio}). Every run of {faster} was the faster one, but with {n} trial each even that "
        "gives a test p = {p_min} at best, above the 0.05 a difference needs: run at least {need} each for the test "
        "and {need_interval} for 95 % intervals ({how}).",
        "この試行数では、ジョブ全体をどちらが先に終えるかはまだ判定できません：{cpu} は {cpu_time}、{gpu} は {gpu_time}"
        "（時間比 {ratio}）でした。{faster} のほうがどの回も速かったものの、各 {n} 回では検定の p 値は最小でも "
        "{p_min} で、差を示すのに必要な 0.05 を下回れません。検定には各 {need} 回以上、95 % 区間には各 {need_interval} 回"
        "が必要です（{how}）。"),
    "verdict.not_shown": (
        "The whole job took {cpu_time} on {cpu} and {gpu_time} on {gpu} (ratio {ratio}, {detail}): these trials do "
        "not show which is faster.",
        "ジョブ全体の時間は {cpu} が {cpu_time}、{gpu} が {gpu_time} でした（時間比 {ratio}、{detail}）。この試行からは、"
        "どちらが速いとは言えません。"),
    "verdict.not_shown.few": (
        "The whole job took {cpu_time} on {cpu} and {gpu_time} on {gpu} (ratio {ratio}, {detail}): these trials do "
        "not show which is faster, and with {n} each no difference could be shown (p = {p_min} at best): run at "
        "least {need} each for the test and {need_interval} for 95 % intervals ({how}).",
        "ジョブ全体の時間は {cpu} が {cpu_time}、{gpu} が {gpu_time} でした（時間比 {ratio}、{detail}）。この試行からは、"
        "どちらが速いとは言えません。各 {n} 回では、結果がどうであれ p 値は {p_min} を下回らず、差を示せません。検定には各 {need} 回以上、"
        "95 % の区間には {need_interval} 回（{how}）が必要です。"),
    "verdict.how.stopped": ("{how} asked for them, but the run was stopped first: run it again",
                            "{how} を指定しましたが、実行がその前に止められました。再実行してください"),
    "verdict.no_cold": (
        "No whole-job times were measured for {cpu} and {gpu} (no cold trials), so this report cannot say which "
        "finishes the whole job first.",
        "{cpu} と {gpu} のジョブ全体の時間は測定していません（コールド試行なし）。そのため、どちらが先にジョブを終えるかは"
        "判断できません。"),
    "verdict.interval": ("95 % interval of the {of} {low}–{high}, Mann-Whitney {p}, {runs}",
                         "{of}の 95 % 信頼区間 {low}–{high}、Mann-Whitney 検定 {p}、{runs}"),
    "verdict.interval_warm": ("95 % interval of the {of} {low}–{high}, Mann-Whitney {p}, {runs}",
                              "{of}の 95 % 信頼区間 {low}–{high}、Mann-Whitney 検定 {p}、{runs}"),
    "verdict.interval.few": ("bootstrap range of the {of} {low}–{high} (too few trials for a 95 % interval), "
                             "Mann-Whitney {p}, {runs}",
                             "{of}のブートストラップ範囲 {low}–{high}（95 % 信頼区間には試行が足りません）、Mann-Whitney "
                             "検定 {p}、{runs}"),
    "verdict.interval_warm.few": ("bootstrap range of the {of} {low}–{high} (too few trials for a 95 % interval), "
                                  "Mann-Whitney {p}, {runs}",
                                  "{of}のブートストラップ範囲 {low}–{high}（95 % 信頼区間には試行が足りません）、"
                                  "Mann-Whitney 検定 {p}、{runs}"),
    "verdict.runs": ("{n} fresh processes each", "新しいプロセスで各 {n} 回"),
    "verdict.runs.one": ("{n} fresh process each", "新しいプロセスで各 {n} 回"),
    "verdict.runs.apart": ("{a} and {b} fresh processes", "新しいプロセスでそれぞれ {a} 回と {b} 回"),
    "verdict.runs_warm": ("{n} warm runs each", "ウォーム試行各 {n} 回"),
    "verdict.runs_warm.one": ("{n} warm run each", "ウォーム試行各 {n} 回"),
    "verdict.runs_warm.apart": ("{a} and {b} warm runs", "ウォーム試行それぞれ {a} 回と {b} 回"),
    "verdict.backends": ("Among its backends, with {best} a step takes {best_step} against {base_step} with {base}: "
                         "{factor} faster ({detail}).",
                         "バックエンドの中では、{best}では 1 ステップ {best_step}、{base}では {base_step} で、{factor} "
                         "速くなります（{detail}）。"),
    "verdict.backends.slower": ("No other backend was faster than {base}: with {best} a step takes {best_step} "
                                "against {base_step} with {base}, {factor} slower ({detail}).",
                                "{base}より速いバックエンドはありませんでした。{best}では 1 ステップ {best_step}で、"
                                "{base}の {base_step} より {factor} 遅くなります（{detail}）。"),
    "verdict.backends.not_shown": ("Among its backends, with {best} a step takes {best_step} against {base_step} with "
                                   "{base}; these trials do not show which is faster ({detail}).",
                                   "バックエンドの中では、{best}では 1 ステップ {best_step}、{base}では {base_step} です。"
                                   "この試行からはどちらが速いとは言えません（{detail}）。"),
    "verdict.of.ratio": ("time ratio", "時間比"),
    "verdict.of.speedup": ("speed-up", "速度向上の倍率"),
    "verdict.no_test": ("too few trials for an interval or a test", "区間や検定を求めるには試行が足りません"),
    "verdict.one_device.one": ("Only {target} was timed: it ran the whole job in {time} (one fresh process); "
                               "there is no other device to compare it with.",
                               "時間を計ったのは {target} だけです：ジョブ全体は {time}（新しいプロセス 1 回）でした。"
                               "比較する別のデバイスはありません。"),
    "verdict.one_device": ("Only {target} was timed: it ran the whole job in {time} (median of {n} fresh processes); "
                           "there is no other device to compare it with.",
                           "時間を計ったのは {target} だけです：ジョブ全体は {time}（新しいプロセス {n} 回の中央値）でした。"
                           "比較する別のデバイスはありません。"),
    "verdict.excluded": ("The runs of {targets} were measured, but every one computed other losses than {against}: no "
                         "figure includes them, and nothing is compared with them (see the warnings).",
                         "{targets} の実行は測定しましたが、どれも損失が{against}と異なったため、どの数値にも含めず、"
                         "何とも比較しません（注意事項を参照）。"),
    "verdict.all_failed": ("Every run of {targets} failed (see the warnings).", "{targets} の実行はすべて失敗しました（注意事項を参照）。"),
    "verdict.left": ("Of what is left, {target} ran the whole job in {time} (median of {n} fresh processes).",
                     "残った {target} のジョブ全体は {time}（新しいプロセス {n} 回の中央値）でした。"),
    "verdict.one_device_warm": ("Only {target} was timed; there is no other device to compare it with.",
                                "時間を計ったのは {target} だけで、比較する別のデバイスはありません。"),
    "verdict.per_step": ("A training step takes {step} ({mode}).", "学習 1 ステップは {step}（{mode}）です。"),
    "verdict.per_step.loose": ("Its runs varied widely: the middle half took between {low} and {high} a step (an IQR of "
                               "{percent} % of the median), so the figure is loose; see the warnings.",
                               "ただし実行ごとのばらつきが大きく、中央の半分は 1 ステップ {low}〜{high} でした（IQR は中央値の "
                               "{percent} %）。この値は目安にとどまります。警告を参照してください。"),
    "verdict.own": ("In mlpbench's own run of the workload (not your scripts), {sentence}",
                    "mlpbench 自身によるワークロードの実行（あなたのスクリプトではありません）では、{sentence}"),
    "verdict.per_step.own": ("In mlpbench's own run of the workload (not your scripts), a training step takes {step} "
                             "({mode}).",
                             "mlpbench 自身によるワークロードの実行（あなたのスクリプトではありません）では、学習 1 ステップは "
                             "{step}（{mode}）です。"),
    "verdict.sweep": ("This is a sweep over {parameter}: where, along it, the GPU overtakes the CPU.",
                      "これは {parameter} のスイープです。どこで GPU が CPU を追い越すかを調べました。"),
    "verdict.nothing": ("Nothing was measured, so there is nothing to conclude.", "測定値がないため、結論は出せません。"),
    "verdict.faster": ("faster", "速い"),
    "verdict.slower": ("slower", "遅い"),
    "verdict.undecided": ("no difference shown", "差は示されず"),
    "verdict.different_work": ("different work", "異なる処理"),
    # ----- why ----------------------------------------------------------------------------------------------
    "why.shares": ("Why: of the time inside the process, start-up ({phases}) took {parts}.",
                   "理由：プロセス内の時間のうち、起動（{phases}）が占めた割合は {parts} です。"),
    "why.bound": ("Even if it trained in no time, {gpu} with {code} would still spend its start-up, {gpu_time}, "
                  "against the CPU's whole {cpu_time}: at most {bound} faster.",
                  "学習が一瞬で終わったとしても、{gpu}（{code}）は起動だけで {gpu_time} かかります。CPU の全体は "
                  "{cpu_time} なので、速くなるのは最大 {bound} です。"),
    "why.bound.never": ("{gpu} with {code} spent {gpu_time} on start-up alone, more than the CPU's whole {cpu_time}: "
                        "however fast it trained, it could not have finished first.",
                        "{gpu}（{code}）は起動だけで {gpu_time} かかり、CPU の全体 {cpu_time} を上回りました。どれだけ速く"
                        "学習しても、先に終わることはできません。"),
    "why.share": ("{start} on {target} (training: {train})", "{target} で {start}（学習は {train}）"),
    "why.share.script": ("{start} in {target} (the rest of the script, its training included: {rest})",
                         "{target} で {start}（学習を含むスクリプトの残りは {rest}）"),
    "why.extra": ("{gpu} spent decidedly more time than {cpu} on {items} (by the rule, with p adjusted for the "
                  "{n} phases compared).",
                  "{gpu} が {cpu} より明らかに長くかかったのは、{items}です（比べた {n} フェーズについて p 値を補正したうえで"
                  "の判定）。"),
    "why.extra_own": ("{gpu} spent time on what {cpu} does not do at all: {items}.",
                      "{gpu} は {cpu} にはない処理に時間を使いました：{items}。"),
    "why.extra_item": ("{phase} (+{time})", "{phase}（+{time}）"),
    # ----- the steady state ----------------------------------------------------------------------------------
    "steady.gpu_faster": ("Once warm, the training loop is {factor} faster on {gpu}: {gpu_step} a step against "
                          "{cpu_step} ({detail}).",
                          "ウォームアップ後の学習ループは {gpu} のほうが {factor} 速く、1 ステップ {gpu_step} 対 {cpu_step} "
                          "です（{detail}）。"),
    "steady.gpu_slower": ("Even once warm, the training loop is slower on {gpu}: {gpu_step} a step against {cpu_step} "
                          "on {cpu}, {factor} as long ({detail}).",
                          "ウォームアップ後でも学習ループは {gpu} のほうが遅く、1 ステップ {gpu_step} 対 {cpu} の "
                          "{cpu_step}、{factor} の時間がかかります（{detail}）。"),
    "steady.not_shown": ("Once warm, a step takes {gpu_step} on {gpu} and {cpu_step} on {cpu}; these trials do not "
                         "show which is faster ({detail}).",
                         "ウォームアップ後の 1 ステップは {gpu} が {gpu_step}、{cpu} が {cpu_step} です。この試行からは"
                         "どちらが速いとは言えません（{detail}）。"),
    # ----- the fastest backend on each device ---------------------------------------------------------------
    "best.gpu_faster": ("With the fastest backend measured on each device, a step takes {gpu_step} with {gpu} and "
                        "{cpu_step} with {cpu}: the GPU is {factor} faster ({detail}).",
                        "各デバイスで最速のバックエンド同士では、1 ステップは {gpu_step}（{gpu}）と {cpu_step}（{cpu}）です。"
                        "GPU のほうが {factor} 速くなります（{detail}）。"),
    "best.cpu_faster": ("With the fastest backend measured on each device, a step takes {cpu_step} with {cpu} and "
                        "{gpu_step} with {gpu}: the CPU is {factor} faster ({detail}).",
                        "各デバイスで最速のバックエンド同士では、1 ステップは {cpu_step}（{cpu}）と {gpu_step}（{gpu}）です。"
                        "CPU のほうが {factor} 速くなります（{detail}）。"),
    "best.not_shown": ("With the fastest backend measured on each device, a step takes {gpu_step} with {gpu} and "
                       "{cpu_step} with {cpu}; these trials do not show which is faster ({detail}).",
                       "各デバイスで最速のバックエンド同士では、1 ステップは {gpu_step}（{gpu}）と {cpu_step}（{cpu}）です。"
                       "この試行からはどちらが速いとは言えません（{detail}）。"),
    # ----- when ---------------------------------------------------------------------------------------------
    "when.repays.cold": ("At this size the training steps of {gpu} are cheaper, so it repays its extra one-off costs "
                         "after about {steps} steps (cold trials); this job has {have}.",
                         "このサイズでは {gpu} のほうが学習 1 ステップが短いため、余分な一度きりのコストは約 {steps} "
                         "ステップで回収できます（コールド試行）。このジョブは {have} ステップです。"),
    "when.repays.warm": ("At this size the training steps of {gpu} are cheaper once warm, so it repays its extra one-off "
                         "costs after about {steps} steps (the cold trials' whole time against the warm trials' saving per "
                         "step); this job has {have}.",
                         "このサイズではウォーム状態の学習 1 ステップは {gpu} のほうが短いため、余分な一度きりのコストは約 "
                         "{steps} ステップで回収できます（コールド試行の全体時間とウォーム試行の 1 ステップあたりの短縮分から）。"
                         "このジョブは {have} ステップです。"),
    "when.ahead": ("At this size {gpu} is ahead from the first step: its steps are cheaper, and its one-off costs came "
                   "out no larger (medians of the cold trials).",
                   "このサイズでは {gpu} が最初のステップから先行します。1 ステップが短く、一度きりのコストもコールド試行の"
                   "中央値で大きくありませんでした。"),
    "when.steps_dearer": ("At this size the training steps of {gpu} are slower than those of {cpu} ({trials}), so "
                          "no number of steps makes it win at this size.",
                          "このサイズでは {gpu} の学習ステップは {cpu} より遅い（{trials}）ため、ステップ数を増やしても"
                          "このサイズでは勝てません。"),
    "when.steps_undecided": ("At this size the {trials} do not tell the training steps of {gpu} and {cpu} apart.",
                             "このサイズでは、{trials}から {gpu} と {cpu} の学習ステップの速さの差は判定できません。"),
    "when.trials.warm": ("warm trials", "ウォーム試行"),
    "when.trials.cold": ("cold trials", "コールド試行"),
    "when.sweep_hint": ("From what size the GPU wins is not determined by one size: `{command}` measures it.",
                        "GPU が勝ち始めるサイズは、1 つのサイズの測定だけではわかりません。`{command}` で測定できます。"),
    # ----- the user's scripts -------------------------------------------------------------------------------
    "scripts.sentence": ("Your scripts, run as they are: {items}.", "スクリプトをそのまま実行した結果：{items}。"),
    "scripts.item": ("{script} printed {own} about itself and its process took {wall}{exit}",
                     "{script} が表示した自身の実行時間は {own}（プロセス全体は {wall}{exit}）"),
    "scripts.of_which": (", of which {items}", "。うち {items}"),
    "scripts.and": (" and ", "、"),
    "scripts.before": ("{before} went to starting Python and importing torch", "Python の起動と import torch に {before}"),
    "scripts.exit": ("{exit} came after the script's last line (the interpreter's exit)",
                     "スクリプト終了後のインタプリタの終了処理に {exit}"),
    "scripts.faster": ("{b} finished its whole process {factor} faster than {a} ({detail}).",
                       "プロセス全体では {b} が {a} より {factor} 速く終わりました（{detail}）。"),
    "scripts.slower": ("{b} took {factor} as long as {a} for its whole process ({detail}).",
                       "プロセス全体では {b} は {a} の {factor} の時間がかかりました（{detail}）。"),
    "scripts.not_shown": ("Whether {b} or {a} finishes its whole process first, these trials do not show ({detail}).",
                          "プロセス全体で {b} と {a} のどちらが先に終わるかは、この試行からは言えません（{detail}）。"),
    "scripts.too_few": ("With {n} trials each no difference could be shown whatever they gave (p = {p_min} at best): "
                        "run at least {need} each ({how}).",
                        "各 {n} 回の試行では、結果がどうであれ差を示せません（p 値は最小でも {p_min}）。各 {need} 回以上"
                        "実行してください（{how}）。"),
    "scripts.too_few.one": ("With {n} trial each no difference could be shown whatever they gave (p = {p_min} at best): "
                        "run at least {need} each ({how}).",
                        "各 {n} 回の試行では、結果がどうであれ差を示せません（p 値は最小でも {p_min}）。各 {need} 回以上"
                        "実行してください（{how}）。"),
    "scripts.item_no_figure": ("{script} printed no time of its own; its process took {wall}{exit}",
                               "{script} は自身の実行時間を表示せず（プロセス全体は {wall}{exit}）"),
    # ----- what was not done ---------------------------------------------------------------------------------
    "not_done.interrupted": ("This run was stopped early by a signal ({signal}: a time limit, or someone stopping it): "
                             "everything here is from the trials that finished.",
                             "この実行はシグナル（{signal}：時間の上限か、手動の停止）で途中で止まりました。ここにある数値は"
                             "完了した試行だけによるものです。"),
    "not_done.incomplete": ("This results file is incomplete: the run did not finish.",
                            "この結果ファイルは不完全です。実行は完了していません。"),
    "not_done.skipped.one": ("One measurement was skipped when the time limit ran out.",
                             "時間の上限に達したため、1 件の測定を省略しました。"),
    "not_done.skipped": ("{n} measurements were skipped when the time limit ran out.",
                         "時間の上限に達したため、{n} 件の測定を省略しました。"),
    "not_done.missing": ("{n} planned points were not measured: {items}. No per-step or whole-job figure is given "
                         "for them (a sweep continues with --resume).",
                         "計画した {n} 点は測定していません：{items}。これらの点の 1 ステップの時間とジョブ全体の時間は"
                         "示しません（スイープは --resume で続けられます）。"),
    "not_done.missing.one": ("One planned point was not measured: {items}. No per-step or whole-job figure is given "
                             "for it (a sweep continues with --resume).",
                             "計画した 1 点は測定していません：{items}。この点の 1 ステップの時間とジョブ全体の時間は"
                             "示しません（スイープは --resume で続けられます）。"),
    "not_done.unmeasured": ("Planned but not measured before the run ended: {targets}.",
                            "計画したものの、実行が終わるまでに測定されなかった対象：{targets}。"),
    "not_done.missing_point": ("{point} on {target}", "{target} の {point}"),
    "not_done.no_gpu": ("No GPU was measured ({reasons}): no claim about the GPU can be made from this run; the same "
                        "command on a machine with an NVIDIA GPU and a CUDA build of torch makes it.",
                        "GPU は測定していません（理由：「{reasons}」）。この実行から GPU について言えることはありません。"
                        "NVIDIA GPU と CUDA 版の torch があるマシンで同じコマンドを実行すれば比較できます。"),
    "not_done.no_gpu.api": ("No GPU was measured ({reasons}): no claim about the GPU can be made from this run; the "
                               "same call on a machine with an NVIDIA GPU and a CUDA build of torch makes it.",
                               "GPU は測定していません（理由：「{reasons}」）。この実行から GPU について言えることはありません。"
                               "NVIDIA GPU と CUDA 版の torch があるマシンで同じ呼び出しを実行すれば比較できます。"),
    "not_done.no_gpu.unasked": ("No GPU was measured (none was asked for): no claim about the GPU can be made from this "
                                "run; --devices cpu,cuda on a machine with an NVIDIA GPU makes it.",
                                "GPU は測定していません（GPU は指定されていません）。この実行から GPU について言えることはありません。"
                                "NVIDIA GPU のあるマシンで --devices cpu,cuda を指定すれば比較できます。"),
    "not_done.no_gpu.scripts": ("None of your scripts ran on a GPU: no claim about the GPU can be made from this run; "
                                "a script that moves its work to CUDA, run on a machine with an NVIDIA GPU, makes it.",
                                "GPU で動いたスクリプトはありません。この実行から GPU について言えることはありません。"
                                "処理を CUDA に移したスクリプトを NVIDIA GPU のあるマシンで実行すれば比較できます。"),
    "not_done.few_trials.one": ("Only one cold trial per target: no interval and no test is possible; {need} trials "
                                "({how}) give a 95 % interval.",
                                "対象あたりのコールド試行は 1 回だけのため、区間も検定も求められません。95 % の区間には {need} 回"
                                "（{how}）が必要です。"),
    "not_done.few_trials": ("Only {n} cold trials per target: an interval of the median then covers it with "
                            "{coverage} confidence only; {need} trials ({how}) give at least 95 %.",
                            "対象あたりのコールド試行は {n} 回だけです。このとき中央値の区間の信頼度は {coverage} にとどまり、"
                            "95 % 以上には {need} 回（{how}）が必要です。"),
    "not_done.few_trials.some.one": ("Only one cold trial of {targets}: no interval and no test is possible for it; "
                                     "{need} trials ({how}) give a 95 % interval.",
                                     "{targets} のコールド試行は 1 回だけのため、区間も検定も求められません。95 % の区間には"
                                     " {need} 回（{how}）が必要です。"),
    "not_done.few_trials.some": ("Only {n} cold trials of {targets}: an interval of the median then covers it with "
                                 "{coverage} confidence only; {need} trials ({how}) give at least 95 %.",
                                 "{targets} のコールド試行は {n} 回だけです。このとき中央値の区間の信頼度は {coverage} に"
                                 "とどまり、95 % 以上には {need} 回（{how}）が必要です。"),
    "not_done.notice": ("{message}. {advice}.", "{message}。{advice}。"),
    "not_done.in_process": ("No cold trials: a workload that lives only in this interpreter cannot be started in a "
                            "fresh process, so whole-job times (start-up included) were not measured; save it to a "
                            "file and pass its path for them.",
                            "コールド試行はありません。このインタプリタの中にしかないワークロードは新しいプロセスで起動"
                            "できないため、ジョブ全体の時間（起動を含む）は測定していません。ファイルに保存してそのパスを"
                            "渡せば測定できます。"),
    "not_done.no_warm": ("No warm trials: the steady state (the training loop alone) was not measured (--warm-runs "
                         "measures it; 6 or more give a 95 % interval).",
                         "ウォーム試行はありません。定常状態（学習ループのみ）は測定していません（--warm-runs で測定します。"
                         "95 % の区間には 6 回以上が必要です）。"),
    "not_done.no_warm_scripts": ("Scripts run only as a whole, so the steady state (the training loop alone) was not "
                                 "measured: `mlpbench bench --workload` on the same model measures it.",
                                 "スクリプトは全体としてしか実行しないため、定常状態（学習ループのみ）は測定していません。"
                                 "同じモデルを `mlpbench bench --workload` で測ると測定できます。"),
    "not_done.failed_point": ("{point} on {target} ({status})", "{target} の {point}（{status}）"),
    "not_done.failed_points.one": ("One point of the sweep did not finish: {items}; its time per step and whole job are "
                                   "not shown (see the warnings).",
                                   "スイープの 1 点が完了しませんでした：{items}。この点の 1 ステップの時間とジョブ全体の時間は"
                                   "示しません（注意事項を参照）。"),
    "not_done.failed_points": ("{n} points of the sweep did not finish: {items}; their times per step and whole jobs "
                               "are not shown (see the warnings).",
                               "スイープの {n} 点が完了しませんでした：{items}。これらの点の 1 ステップの時間とジョブ全体の"
                               "時間は示しません（注意事項を参照）。"),
    "not_done.failed.one": ("One run failed ({why}); see the warnings.",
                            "1 件の実行が失敗しました（{why}）。注意事項を参照してください。"),
    "not_done.failed": ("{n} runs failed ({why}); see the warnings.",
                        "{n} 件の実行が失敗しました（{why}）。注意事項を参照してください。"),
    "not_done.mismatch": ("{n} measured runs of {targets} computed losses outside the tolerance of {against} and were "
                          "left out of every figure.",
                          "{targets} の {n} 件の実行は、損失が{against}の許容範囲を外れたため、すべての数値から"
                          "除外しました。"),
}
