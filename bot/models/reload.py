"""``enlist reload`` / ``enlist rollback``: a new model into the running Rasa server.

1. validate ``faq/`` and rebuild the generated training data;
2. train only if needed: nothing when the model for the current inputs exists (answer
   texts are not training inputs - they are live already), fine-tuning from the current
   model when only FAQ phrasings changed (same structure fingerprint), else full training;
3. evaluate the new model on tests/nlu/ with the same decision the bot uses
   (bot/models/evaluation.py) and refuse to switch when FAQ accuracy drops by more than
   :data:`MAX_ACCURACY_DROP` against the current model;
4. switch: the model record names the new model; Rasa pulls it from the bot service
   within ``ENLIST_MODEL_PULL_SECONDS`` (no restart, conversations are untouched).

:class:`ReloadJob` runs the same in a background thread for the portal's button. Callers
go through bot/models/control.py, which holds the cross-process lock around all of this.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from bot.config import Settings
from bot.errors import EnlistError, FaqError, TrainingError
from bot.models.registry import current_model, model_info, remember, set_current, swap_back
from bot.models.training import build_faq, fingerprint, model_path_for, train

logger = logging.getLogger(__name__)

#: Largest FAQ accuracy drop (absolute, 0.02 = 2 points) a new model may have.
MAX_ACCURACY_DROP = 0.02
Progress = Callable[[str], None]


@dataclass
class ReloadResult:
    status: str  # switched / unchanged / refused / rolled_back
    model: str
    previous: Optional[str] = None
    training: str = "none"  # none / finetune / full
    accuracy: Optional[float] = None
    previous_accuracy: Optional[float] = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "refused"


def _accuracy(settings: Settings, model: Path, progress: Progress, which: str = "新模型") -> float:
    """FAQ accuracy of ``model`` on the test set (measured once, then remembered)."""
    known = model_info(settings, model).get("faq_accuracy")
    if known is not None:
        return float(known)
    from bot.models.evaluation import evaluate_model

    progress(f"第3步：检查准确率，用测试问题检验{which}（约半分钟）…")
    report = evaluate_model(settings, model)
    remember(settings, model, faq_accuracy=report.faq_accuracy, oos_rejection=report.oos_rejection)
    return report.faq_accuracy


TRAINING_FAILED = "训练新模型没有成功，机器人继续使用原来的模型。请稍后再试一次；如果仍然失败，请联系技术人员查看日志。"
TRAINING_ZH = {"finetune": "在当前模型基础上更新", "full": "从头训练"}


def reload_model(settings: Settings, progress: Progress = print, evaluate: bool = True) -> ReloadResult:
    """Steps 1-4 of the module docstring; ``progress`` receives one line per step."""
    progress("第1步：检查FAQ内容，生成训练数据…")
    build_faq(settings)
    target = model_path_for(settings, fingerprint(settings))
    structure = fingerprint(settings, phrasings=False)
    current = current_model(settings)
    if current is not None and target == current:
        return ReloadResult("unchanged", target.name, training="none",
                            message="模型无需更新：只改了答案文字（已即时生效）或没有改动。")
    training = "none"
    if not target.exists():
        base = current if current is not None and model_info(settings, current).get("structure") == structure else None
        training = "finetune" if base is not None else "full"
        progress(f"第2步：训练新模型（{TRAINING_ZH[training]}，约2分钟）…")
        try:
            train(settings, target, finetune_from=base)
        except TrainingError:
            if base is None:
                raise
            progress("在原模型基础上训练没有成功，改为从头训练（约3分钟）…")
            training = "full"
            train(settings, target)
    remember(settings, target, structure=structure, trained_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    new_accuracy = old_accuracy = None
    if evaluate:
        new_accuracy = _accuracy(settings, target, progress)
        if current is not None:
            old_accuracy = _accuracy(settings, current, progress, "原来的模型")
            if new_accuracy < old_accuracy - MAX_ACCURACY_DROP:
                return ReloadResult(
                    "refused", target.name, current.name, training, new_accuracy, old_accuracy,
                    f"新模型未启用：FAQ准确率从 {old_accuracy:.1%} 降到 {new_accuracy:.1%}，"
                    f"下降超过{MAX_ACCURACY_DROP * 100:.0f}个百分点。请检查最近添加的问法是否放错了条目。",
                )
    progress("第4步：启用新模型…")
    set_current(settings, target)
    return ReloadResult(
        "switched", target.name, current.name if current else None, training, new_accuracy, old_accuracy,
        f"新模型已启用，运行中的机器人将在{settings.model_pull_seconds}秒内切换，对话不中断。",
    )


def rollback_model(settings: Settings) -> ReloadResult:
    """Switch back to the previous model (and make the current one previous)."""
    before = current_model(settings)
    restored = swap_back(settings)
    if restored is None:
        return ReloadResult("refused", before.name if before else "", message="没有可回退的上一个模型。")
    return ReloadResult("rolled_back", restored.name, before.name if before else None,
                        message=f"已回退到上一个模型，运行中的机器人将在{settings.model_pull_seconds}秒内切换。")


def failure_message(exc: BaseException) -> str:
    """Why a reload failed, as an editor reads it in the portal (unexpected errors logged)."""
    if isinstance(exc, FaqError):  # the validation report, without its command-line advice
        problems = [line for line in str(exc).splitlines() if line.strip() and "enlist" not in line]
        return ("FAQ内容没有通过检查，模型没有更新，机器人继续使用原来的模型。"
                "请到“FAQ编辑”按下面的提示修改：\n" + "\n".join(problems))
    if isinstance(exc, TrainingError):
        logger.error("training failed", exc_info=exc)
        return TRAINING_FAILED
    if isinstance(exc, EnlistError):
        return str(exc)
    logger.error("reload failed", exc_info=exc)
    return f"重新加载失败（{type(exc).__name__}），详情见日志。"


class ReloadJob:
    """One reload at a time in a background thread; the portal polls :meth:`status`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._status: Dict[str, Any] = {"state": "idle"}

    def start(self, settings: Settings, started_by: str) -> bool:
        """Start a reload; False when one is already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._status = {"state": "running", "started_by": started_by, "steps": [],
                            "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
            self._thread = threading.Thread(target=self._run, args=(settings,), name="enlist-reload", daemon=True)
            self._thread.start()
            return True

    def _step(self, line: str) -> None:
        with self._lock:
            self._status["steps"].append(line)

    def _run(self, settings: Settings) -> None:
        try:
            result = reload_model(settings, progress=self._step)
            update = {"state": "done" if result.ok else "refused", "result": asdict(result)}
        except Exception as exc:  # noqa: BLE001 - reported to the editor, logged for us
            update = {"state": "failed", "error": failure_message(exc)}
        with self._lock:
            self._status.update(update)

    def status(self) -> Dict[str, object]:
        with self._lock:
            return dict(self._status, steps=list(self._status.get("steps", [])))

    def wait(self, timeout: Optional[float] = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
