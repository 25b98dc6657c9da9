"""更新模型 for editors and admins: start a reload (validate, build, train if needed, check
accuracy, switch), watch its steps (the page refreshes itself while it runs; the same status
as JSON for scripts), and roll back to the previous model after a confirmation. One reload
at a time across all workers and the CLI (bot/models/control.py); every start and rollback is
audited."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import ModelBusyError
from bot.lang.timefmt import local_text
from bot.models.control import BUSY, ModelControl
from bot.models.registry import current_model, model_info, previous_model
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, NO_STORE, PREFIX, redirect, render, require_role

MODEL_PATH = f"{PREFIX}/model"
REFRESH_SECONDS = 5
STATE_NAMES_ZH = {
    "idle": "还没有更新过",
    "running": "正在更新……",
    "done": "完成",
    "refused": "未启用新模型",
    "failed": "失败",
}
TRAINING_NAMES_ZH = {"none": "无需训练", "finetune": "在现有模型上微调", "full": "完整训练"}


def control(request: Request) -> ModelControl:
    """This worker's control (the job thread lives in the worker that started it)."""
    ctx = request.app.ctx
    if getattr(ctx, "model_control", None) is None:
        ctx.model_control = ModelControl(ctx.settings)
    return ctx.model_control


def _models(control_: ModelControl) -> Dict[str, Any]:
    current = current_model(control_.settings)
    previous = previous_model(control_.settings)
    status = control_.status()
    try:
        status["started_at"] = local_text(dt.datetime.fromisoformat(str(status["started_at"])), with_seconds=True)
    except (KeyError, ValueError):
        status.pop("started_at", None)
    return {
        "current": current.name if current else "",
        "previous": previous.name if previous else "",
        "status": status,
        "current_info": describe(control_.settings, current),
        "previous_info": describe(control_.settings, previous),
    }


def describe(settings: Any, model: Any) -> str:
    """A model as staff read it: when it was trained (China time) and its measured accuracy."""
    if model is None:
        return ""
    info = model_info(settings, model)
    parts = []
    try:
        parts.append(f"{local_text(dt.datetime.fromisoformat(str(info['trained_at'])))} 训练")
    except (KeyError, ValueError):
        parts.append("训练时间未记录")
    if info.get("faq_accuracy") is not None:
        parts.append(f"准确率 {float(info['faq_accuracy']):.1%}")
    return " · ".join(parts)


def register(blueprint: Blueprint) -> None:
    async def show(request: Request, status: int = 200, error: str = "", done: str = "") -> HTTPResponse:
        models = await blocking(_models, control(request))
        return render(
            request,
            "model.html",
            status=status,
            error=error,
            done=done,
            job=models["status"],
            current=models["current"],
            previous=models["previous"],
            current_info=models["current_info"],
            previous_info=models["previous_info"],
            states=STATE_NAMES_ZH,
            trainings=TRAINING_NAMES_ZH,
            refresh=REFRESH_SECONDS,
            model_path=MODEL_PATH,
        )

    @blueprint.get("/model")
    @require_role(*EDITOR_ROLES)
    async def model_page(request: Request) -> HTTPResponse:
        done = {
            "started": "已开始更新模型，本页会自动刷新显示进度（约需几分钟）。",
            "rolled_back": "已回退到上一个模型。",
        }.get(request.args.get("done", ""), "")
        return await show(request, done=done)

    @blueprint.get("/model/status.json")
    @require_role(*EDITOR_ROLES)
    async def model_status(request: Request) -> HTTPResponse:
        models = await blocking(_models, control(request))
        return response.json(models, headers=dict(NO_STORE), ensure_ascii=False)

    @blueprint.post("/model/reload")
    @require_role(*EDITOR_ROLES)
    async def reload(request: Request) -> HTTPResponse:
        user = request.ctx.session.user
        started = await blocking(control(request).start, user.name)
        if not started:
            return await show(request, status=409, error=BUSY)
        portal = await services(request)
        await blocking(portal.audit.record, user.name, "model_reload", None, "开始更新模型")
        return redirect(f"{MODEL_PATH}?done=started")

    @blueprint.post("/model/rollback")
    @require_role(*EDITOR_ROLES)
    async def rollback(request: Request) -> HTTPResponse:
        if (request.form or {}).get("confirm") != "yes":
            return await show(request, status=400, error="请先勾选“我确认回滚到上一个模型”。")
        user = request.ctx.session.user
        try:
            result = await blocking(control(request).rollback, user.name)
        except ModelBusyError as exc:
            return await show(request, status=409, error=str(exc))
        portal = await services(request)
        await blocking(portal.audit.record, user.name, "model_rollback", result.model or None, result.message)
        if not result.ok:
            return await show(request, status=409, error=result.message)
        return redirect(f"{MODEL_PATH}?done=rolled_back")
