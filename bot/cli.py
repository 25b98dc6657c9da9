"""The ``enlist`` command: run, train, FAQ validation and build, evaluation, leads, portal users, settings.

Command names and options are English; everything it says (help, results, errors) is
Chinese like the rest of the staff interface, argparse's own messages included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from typing import Callable, List, Optional

from bot.config import Settings, describe_settings
from bot.errors import ConfigError, EnlistError


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.training import ensure_model
    from bot.runner import check_socketio_workers, run_stack

    check_socketio_workers(settings)  # before a training that may take minutes
    info = ensure_model(settings)
    return run_stack(settings, info.path)


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.control import ModelControl

    info = ModelControl(settings).train(force=not args.if_needed)
    state = f"训练完成，用时 {info.seconds:.0f} 秒" if info.trained else "训练输入没有变化，未重新训练"
    print(f"模型 {info.path.name}：{state}")
    return 0


def cmd_faq_validate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.eligibility.policy_file import policy_dir, validate_policy_dir
    from bot.faq.validator import validate_dir

    result = validate_dir(settings.faq_dir, max_age_days=settings.faq_max_age_days)
    print(result.report(settings.home))
    tables, problems = validate_policy_dir(policy_dir(settings.faq_dir))
    for problem in problems:
        print(problem.describe(settings.home))
    if problems:
        print(f"政策表检查未通过：{len(problems)} 个错误。修正之前，机器人继续使用上一次通过检查的政策表。")
    else:
        print(f"政策表检查通过：共 {tables} 个年度。")
    return 0 if result.ok and not problems else 1


def cmd_faq_build(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.training import GENERATED_FAQ_DATA, build_faq

    changed = build_faq(settings)
    print(f"{GENERATED_FAQ_DATA}：{'已写入' if changed else '已是最新，未改动'}")
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.evaluation import evaluate_model, format_report
    from bot.models.training import ensure_model

    info = ensure_model(settings)
    report = evaluate_model(settings, info.path)
    print(format_report(report))
    passed = report.faq_accuracy >= args.min_accuracy and report.oos_rejection >= args.min_rejection
    return 0 if passed else 1


def cmd_leads_purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.leads.retention import purge_leads

    days = args.older_than if args.older_than is not None else settings.lead_retention_days
    result = purge_leads(settings, runtime.lead_store(), days)
    print(
        f"已删除 {result.leads} 条登记超过 {days} 天的线索的个人信息；已清除 {result.conversations} 段对话中填写的内容"
    )
    return 0


def cmd_leads_flush(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.leads.outbox import Outbox

    outbox = Outbox(settings.outbox_dir)
    result = outbox.flush(runtime.lead_store())
    print(f"待保存队列：已存入数据库 {result.saved} 条线索，仍在等待 {result.remaining} 条")
    return 0 if result.remaining == 0 else 1


def _read_new_password(args: argparse.Namespace) -> str:
    """A new password: one line from stdin, or typed twice (not echoed)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise EnlistError("两次输入的密码不一致。")
    return first


# The `user` commands and `leads export` import staff accounts, the audit log (bot/staff/) and
# the lead query (bot/leads/) inside the commands, so other commands start without them.
def cmd_user_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.staff.accounts import AccountStore, check_name, check_role
    from bot.staff.audit import AuditLog

    check_name(args.name)
    check_role(args.role)
    database = runtime.database()
    user = AccountStore(database).create(args.name, args.role, _read_new_password(args))
    AuditLog(database).record("cli", "user_add", f"user:{user.name}", f"role={user.role}")
    print(f"已添加用户 {user.name}，角色：{user.role_label}（{user.role}）")
    return 0


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.lang.timefmt import local_text
    from bot.staff.accounts import AccountStore

    for user in AccountStore(runtime.database()).list():
        state = "已停用" if user.disabled else ("待改密码" if user.must_change_password else "正常")
        print(f"{user.name}\t{user.role}\t{state}\t最近登录：{local_text(user.last_login_at) or '-'}")
    return 0


def cmd_user_disable(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.staff.accounts import AccountStore
    from bot.staff.audit import AuditLog

    database = runtime.database()
    AccountStore(database).disable(args.name)
    AuditLog(database).record("cli", "user_disable", f"user:{args.name}")
    print(f"已停用用户 {args.name}，其登录会话已全部结束")
    return 0


def cmd_user_enable(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.staff.accounts import AccountStore
    from bot.staff.audit import AuditLog

    database = runtime.database()
    accounts = AccountStore(database)
    accounts.set_disabled(accounts.by_name(args.name).id, False)
    AuditLog(database).record("cli", "user_enable", f"user:{args.name}")
    print(f"已启用用户 {args.name}")
    return 0


def cmd_user_password(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.staff.accounts import AccountStore
    from bot.staff.audit import AuditLog

    database = runtime.database()
    accounts = AccountStore(database)
    user = accounts.set_password(accounts.by_name(args.name).id, _read_new_password(args))
    AuditLog(database).record("cli", "user_reset", f"user:{user.name}", "管理员设置的密码")
    print(f"已重置 {user.name} 的密码，其登录会话已全部结束；下次登录时必须先改成自己的密码")
    return 0


def cmd_leads_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.leads.export import export_csv
    from bot.leads.query import parse_query
    from bot.staff.audit import AuditLog

    query = parse_query(
        {
            "status": args.status,
            "school": args.school,
            "student_status": args.student_status,
            "enlist_place": args.enlist_place,
            "from": args.date_from,
            "to": args.date_to,
            "q": args.search,
        }
    )
    count, body = export_csv(runtime.lead_store(), settings.tracker_store, query.criteria)
    if args.output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        with open(args.output, "wb") as handle:
            handle.write(body)
    AuditLog(runtime.database()).record("cli", "export", None, f"{count} 条; 筛选: {query.describe()}")
    print(f"已导出 {count} 条线索到 {args.output}", file=sys.stderr)
    return 0


def cmd_review_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.review.items import KIND_NAMES_ZH, STATE_NAMES_ZH

    groups = runtime.review_store().groups(states=(args.state,))
    for group in groups[: args.limit]:
        guesses = "，".join(f"{g.faq_id} {g.confidence:.2f}" for g in group.top_guesses())
        kinds = "，".join(f"{KIND_NAMES_ZH.get(kind, kind)} {count}" for kind, count in group.kinds.items())
        print(
            f"{group.count:4d}次  {group.text}  [{kinds}]  猜测：{guesses or '-'}  编号：{','.join(map(str, group.item_ids))}"
        )
    print(f"“{STATE_NAMES_ZH[args.state]}”：{len(groups)} 组，共 {sum(g.count for g in groups)} 条")
    return 0


def cmd_review_decide(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime

    decision = (
        "accepted" if args.accept else ("new_faq_needed" if args.new_faq else ("ignored" if args.ignore else "open"))
    )
    known = runtime.faq_catalog().snapshot().by_id
    ids = [int(part) for part in args.ids.split(",") if part.strip()]
    changed = runtime.review_store().decide(ids, decision, args.by, faq_id=args.accept, known_faq_ids=known)
    from bot.review.items import STATE_NAMES_ZH

    print(f"{changed} 条改为“{STATE_NAMES_ZH[decision]}”{'（作为 ' + args.accept + ' 的问法）' if args.accept else ''}")
    return 0


def cmd_review_export(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot import runtime
    from bot.review.patch import build_patch

    patch = build_patch(runtime.review_store())
    name = args.output or "FILE"
    text = patch.to_yaml(name)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.output}：{len(patch.phrasings)} 个条目的 {sum(len(q) for q in patch.phrasings.values())} 条问法")
    else:
        print(text, end="")
    return 0


def cmd_review_apply(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot import runtime
    from bot.errors import ReviewError
    from bot.faq.history import FaqHistory
    from bot.review.patch import apply_patch, parse_patch

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"无法读取补丁文件 {args.file}：{exc}") from None
    patch = parse_patch(text)
    result = apply_patch(settings.faq_dir, patch, settings.faq_max_age_days, "命令行", FaqHistory(runtime.database()))
    for faq_id, questions in result.added.items():
        print(f"{faq_id}：新增 {len(questions)} 条（{'；'.join(questions)}）")
    marked = runtime.review_store().mark_applied(i for ids in patch.items.values() for i in ids)
    print(
        f"已写入 {len(result.files)} 个文件，{result.skipped} 条问法原来就有，{marked} 条标记为“已写入FAQ文件”。"
        "运行 `enlist reload` 训练并切换模型。"
    )
    return 0


def cmd_analytics(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot import runtime
    from bot.lang.timefmt import china_today
    from bot.usage.analytics import analytics, to_csv

    try:
        end = _day(args.to, "--to") if args.to else china_today()
        start = _day(args.since, "--from") if args.since else end - dt.timedelta(days=29)
        report = analytics(runtime.database(), start, end)
    except ValueError as exc:
        print(f"enlist: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        Path(args.csv).write_text(to_csv(report), encoding="utf-8")
        print(f"{args.csv}：{len(report.days)} 天")
        return 0
    print(
        f"{start} 至 {end}：{report.conversations} 段会话，{report.total('questions')} 个问题，"
        f"兜底回复率 {report.fallback_rate:.1%}，👍 {report.total('up')} / 👎 {report.total('down')}，"
        f"报名线索 {report.converted} 条（提交了报名表的会话），"
        f"转化率 {report.conversion:.1%}（{report.converted}/{report.conversations}）"
    )
    for faq_id, count in report.top_faqs:
        print(f"  {count:5d}  {faq_id}")
    return 0


#: Who started a reload or rollback from the command line, as the portal's 更新模型 page shows it.
CLI_USER = "命令行"
#: ReloadResult.status and .training as staff read them.
RELOAD_STATUS_ZH = {
    "switched": "已切换到新模型",
    "unchanged": "模型没有变化",
    "refused": "未启用新模型",
    "rolled_back": "已回滚",
}
TRAINING_ZH = {"none": "无需训练", "finetune": "在现有模型上微调", "full": "完整训练"}


def _day(raw: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value; ValueError with a Chinese message otherwise."""

    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{option} 的日期格式应为 YYYY-MM-DD，例如 2026-12-01（收到 {raw!r}）。") from None


def cmd_reload(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.control import ModelControl

    result = ModelControl(settings).reload(CLI_USER)
    accuracy = ""
    if result.accuracy is not None:
        accuracy = f"FAQ准确率 {result.accuracy:.3f}"
        if result.previous_accuracy is not None:
            accuracy += f"（当前模型 {result.previous_accuracy:.3f}）"
    status = RELOAD_STATUS_ZH.get(result.status, result.status)
    training = TRAINING_ZH.get(result.training, result.training)
    print(f"{status}：{result.model}（训练：{training}）。{accuracy}\n{result.message}")
    return 0 if result.ok else 1


def cmd_rollback(settings: Settings, args: argparse.Namespace) -> int:
    from bot.models.control import ModelControl

    result = ModelControl(settings).rollback(CLI_USER)
    print(result.message)
    return 0 if result.ok else 1


#: The benchmark script (bench/ is part of the checkout, not of the installed package).
BENCH_SCRIPT = "bench/load.py"


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    """Run bench/load.py of the checkout (``settings.home``) in its own Python process."""
    import subprocess

    if not (settings.home / BENCH_SCRIPT).is_file():
        raise ConfigError(
            f"`enlist bench` 需要项目源码中的 {BENCH_SCRIPT}（ENLIST_HOME={settings.home} 下没有）；"
            "压力测试不随安装包提供，请在项目目录中运行"
        )
    return subprocess.run([sys.executable, "-m", "bench.load", *args.extra], cwd=settings.home).returncode


def cmd_settings(settings: Settings, args: argparse.Namespace) -> int:
    print(describe_settings())
    return 0


def require_action_secret(settings: Settings, command: str) -> None:
    """A lone Rasa server or bot service cannot share `enlist run`'s random secret."""
    if not settings.action_secret:
        raise ConfigError(
            f"`enlist {command}` 需要设置 ENLIST_ACTION_SECRET（Rasa 服务器和机器人服务用同一个值："
            "Rasa 每次调用动作都带上它，机器人服务拒绝没有它的调用）"
        )


def cmd_serve_rasa(settings: Settings, args: argparse.Namespace) -> int:
    """Only the Rasa server (for extra replicas and container deployments)."""
    import os

    from bot.errors import TrainingError
    from bot.models.training import fingerprint, latest_model, model_path_for, subprocess_env
    from bot.runner import rasa_command, write_run_files

    require_action_secret(settings, "serve-rasa")
    model = model_path_for(settings, fingerprint(settings))
    if not model.exists():
        model = latest_model(settings)
        if model is None:
            raise TrainingError("ENLIST_MODELS_DIR 中没有训练好的模型；请先运行 `enlist train`")
        print(f"enlist: 没有与当前训练输入对应的模型，改用最新的：{model.name}", file=sys.stderr)
    argv = rasa_command(settings, model, write_run_files(settings))
    env = {**subprocess_env(settings), "SANIC_WORKERS": str(settings.rasa_worker_count)}
    os.chdir(settings.home)
    os.execve(argv[0], argv, env)
    return 0  # not reached


def cmd_nginx_config(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service.deploy import nginx_config

    print(
        nginx_config(
            args.rasa.split(","),
            args.bot.split(","),
            listen=args.listen,
            access_log=args.access_log,
            runtime_dir=args.runtime_dir,
            user=args.user,
        ),
        end="",
    )
    return 0


def cmd_serve_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.server import main as serve

    require_action_secret(settings, "serve-bot")
    serve()
    return 0


#: argparse's own messages (Python 3.10) → Chinese; anything not listed stays as argparse says it.
_ARGPARSE_ZH = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"参数 \1 的值 \3 无效（应为 \2）"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能和 \2 一起使用"),
    (r"one of the arguments (.*) is required", r"必须给出其中一个参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
)


def translate_argparse(message: str) -> str:
    """An argparse error message in Chinese (the argument names and values as typed)."""
    for pattern, chinese in _ARGPARSE_ZH:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, chinese, message)
    return message


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001, ANN201 - argparse's signature
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, headings, -h and error messages are Chinese."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - argparse's signature
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str):  # noqa: ANN201 - never returns
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate_argparse(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="enlist",
        description="征兵咨询助手。设置来自 ENLIST_* 环境变量，`enlist settings` 列出全部设置。",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令")
    commands.required = True

    def add(name: str, handler: Callable, help: str, parent=commands) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    def group(name: str, help: str, dest: str):  # noqa: ANN202 - argparse's subparsers action
        sub = commands.add_parser(name, help=help, description=help)
        children = sub.add_subparsers(dest=dest, metavar="COMMAND", title="命令")
        children.required = True
        return children

    add("run", cmd_run, "生成FAQ训练数据，训练输入有变化时重新训练，启动 Rasa 和机器人服务")
    train = add("train", cmd_train, "训练模型（总是训练；加 --if-needed 时输入没变就跳过）")
    train.add_argument("--if-needed", action="store_true", help="只在训练输入有变化时训练")

    faq_commands = group("faq", "检查或生成 faq/ 中的FAQ文件", "faq_command")
    add("validate", cmd_faq_validate, "检查 faq/*.yml 并说明每个问题（有错误时退出码为 1）", faq_commands)
    add("build", cmd_faq_build, "把 faq/*.yml 生成为 data/nlu/faq.generated.yml", faq_commands)

    evaluate = add("eval", cmd_eval, "用 tests/nlu/ 评估FAQ准确率和超出范围问题的拒答率")
    evaluate.add_argument("--min-accuracy", type=float, default=0.90, help="FAQ准确率下限（默认 0.90）")
    evaluate.add_argument("--min-rejection", type=float, default=0.90, help="拒答率下限（默认 0.90）")

    leads_commands = group("leads", "线索：导出、删除过期线索的个人信息、保存待保存队列", "leads_command")
    purge = add("purge", cmd_leads_purge, "删除超过保存期限的线索的个人信息（及其对话中填写的内容）", leads_commands)
    purge.add_argument("--older-than", type=int, metavar="DAYS", help="天数（默认：ENLIST_LEAD_RETENTION_DAYS）")
    add("flush", cmd_leads_flush, "把 var/outbox/ 中等待的线索立即存入数据库", leads_commands)
    export = add(
        "export", cmd_leads_export, "把线索（可筛选）导出为 CSV（UTF-8 带 BOM，Excel 可直接打开）", leads_commands
    )
    export.add_argument("--output", "-o", required=True, metavar="FILE", help="要写入的 CSV 文件（'-' 表示标准输出）")
    export.add_argument("--status", help="状态代码：new、contacted、registered、enlisted、ineligible、not_interested")
    export.add_argument("--school", help="学校名称包含这段文字")
    export.add_argument("--student-status", help="身份：在校生 / 应届毕业生 / 往届毕业生 / 其他")
    export.add_argument("--enlist-place", help="拟应征地：学校所在地 / 户籍所在地 / 未定")
    export.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="这一天及以后登记的")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="这一天及以前登记的")
    export.add_argument("--search", help="姓名、手机号、学校、编号或关心问题中包含这段文字")

    user_commands = group(
        "user", "门户账号：添加、列出、停用、启用、重置密码（门户的“账号管理”页也能做）", "user_command"
    )
    user_add = add("add", cmd_user_add, "添加门户账号（密码输入两次）", user_commands)
    user_add.add_argument("name", help="用户名")
    user_add.add_argument(
        "--role",
        required=True,
        choices=("recruiter", "editor", "admin"),
        help="角色：recruiter 招募人员，editor 内容编辑，admin 管理员",
    )
    user_add.add_argument("--password-stdin", action="store_true", help="从标准输入的第一行读取密码")
    add("list", cmd_user_list, "列出门户账号", user_commands)
    user_disable = add("disable", cmd_user_disable, "停用门户账号并立即结束它的所有登录", user_commands)
    user_disable.add_argument("name", help="用户名")
    add("enable", cmd_user_enable, "重新启用停用的门户账号", user_commands).add_argument("name", help="用户名")
    user_password = add(
        "password", cmd_user_password, "重置门户账号的密码（输入两次；下次登录时必须先改成自己的）", user_commands
    )
    user_password.add_argument("name", help="用户名")
    user_password.add_argument("--password-stdin", action="store_true", help="从标准输入的第一行读取密码")

    review_commands = group("review", "待处理问题（机器人没答好的问题）", "review_command")
    listing = add("list", cmd_review_list, "按相似问题分组列出，出现最多的在前", review_commands)
    listing.add_argument(
        "--state",
        default="open",
        choices=("open", "accepted", "new_faq_needed", "ignored", "applied"),
        help="状态（默认 open 待处理）",
    )
    listing.add_argument("--limit", type=int, default=50, help="最多列出的组数（默认 50）")
    decide = add(
        "decide", cmd_review_decide, "处理条目：--accept FAQ_ID | --new-faq | --ignore | --reopen", review_commands
    )
    decide.add_argument("ids", help="条目编号，用逗号分隔（`enlist review list` 显示的编号）")
    decide.add_argument("--by", required=True, help="您的名字（和处理结果一起记录）")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", metavar="FAQ_ID", help="加为这个FAQ条目的问法")
    choice.add_argument("--new-faq", action="store_true", help="需要新的FAQ条目")
    choice.add_argument("--ignore", action="store_true", help="忽略")
    choice.add_argument("--reopen", action="store_true", help="重新打开")
    export = add("export", cmd_review_export, "把已采纳的条目写成 faq/ 的 YAML 补丁", review_commands)
    export.add_argument("--output", "-o", help="要写入的文件（默认：显示出来）")
    apply = add(
        "apply", cmd_review_apply, "把补丁中的问法加入 faq/*.yml（先检查；有错误时什么都不写）", review_commands
    )
    apply.add_argument("file", help="补丁文件")

    stats = add("analytics", cmd_analytics, "一段日期内的问题数、兜底回复、点赞点踩、线索和转化率")
    stats.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="第一天（北京时间；默认：30天前）")
    stats.add_argument("--to", metavar="YYYY-MM-DD", help="最后一天，含当天（默认：今天）")
    stats.add_argument("--csv", metavar="FILE", help="改为把每天的数字写成 CSV 文件")

    add(
        "reload",
        cmd_reload,
        "检查、生成数据，需要时训练（只改了问法时微调），检查准确率，把正在运行的 Rasa 服务器切换到新模型",
    )
    add("rollback", cmd_rollback, "把正在运行的 Rasa 服务器切换回上一个模型")

    add("bench", cmd_bench, "压力测试：原版 rasa run 与生产配置对比；选项见 `enlist bench -- --help`")

    add("settings", cmd_settings, "列出每个 ENLIST_* 设置及其默认值")
    add("serve-bot", cmd_serve_bot, "只在前台运行机器人服务（动作、门户、聊天窗口）")
    add("serve-rasa", cmd_serve_rasa, "只在前台运行 Rasa 服务器（增加副本、容器部署）")
    nginx = add("nginx-config", cmd_nginx_config, "输出一份把 Rasa 和机器人服务副本放在同一地址后面的 nginx.conf")
    nginx.add_argument("--rasa", default="127.0.0.1:5005,127.0.0.1:5006", help="Rasa 副本，host:port,...")
    nginx.add_argument("--bot", default="127.0.0.1:5055", help="机器人服务副本，host:port,...")
    nginx.add_argument("--listen", default="80", help="监听端口或地址（默认 80）")
    nginx.add_argument("--access-log", default="/var/log/nginx/enlist.access.log", help="访问日志文件")
    nginx.add_argument("--runtime-dir", help="pid 文件、错误日志和临时文件的目录（非特权 nginx）")
    nginx.add_argument("--user", help="nginx 工作进程的用户（以 root 启动时）")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.handler is not cmd_bench:
        parser.error(f"无法识别的参数：{' '.join(extra)}")
    args.extra = [x for x in extra if x != "--"]
    try:
        settings = Settings.from_env()
        return args.handler(settings, args)
    except EnlistError as exc:
        print(f"enlist: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
