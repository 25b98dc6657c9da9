"""The ``enlist`` command: run, train, FAQ validation and build, evaluation, leads, portal users, settings."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Dict, List, Optional

from bot.config import Settings, describe_settings
from bot.errors import ConfigError, EnlistError


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.runner import check_socketio_workers, run_stack
    from bot.training import ensure_model

    check_socketio_workers(settings)  # before a training that may take minutes
    info = ensure_model(settings)
    return run_stack(settings, info.path)


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    info = ensure_model(settings, force=not args.if_needed)
    state = f"trained in {info.seconds:.0f} s" if info.trained else "up to date, not retrained"
    print(f"model {info.path.name}: {state}")
    return 0


def cmd_faq_validate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.faq.validator import validate_dir

    from bot.eligibility.policy_file import policy_dir, validate_policy_dir

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
    from bot.training import GENERATED_FAQ_DATA, build_faq

    changed = build_faq(settings)
    print(f"{GENERATED_FAQ_DATA}: {'written' if changed else 'already up to date'}")
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.evaluation import evaluate_model, format_report
    from bot.training import ensure_model

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
    print(f"erased the personal data of {result.leads} lead(s) created more than {days} days ago; "
          f"redacted {result.conversations} conversation(s)")
    return 0


def cmd_leads_flush(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.leads.outbox import Outbox

    outbox = Outbox(settings.outbox_dir)
    result = outbox.flush(runtime.lead_store())
    print(f"outbox: {result.saved} lead(s) saved, {result.remaining} still waiting")
    return 0 if result.remaining == 0 else 1


def _read_new_password(args: argparse.Namespace) -> str:
    """The new account's password: one line from stdin, or typed twice (not echoed)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise EnlistError("两次输入的密码不一致。")
    return first


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.portal.accounts import AccountStore, check_name, check_role
    from bot.portal.audit import AuditLog

    check_name(args.name)
    check_role(args.role)
    database = runtime.database()
    user = AccountStore(database).create(args.name, args.role, _read_new_password(args))
    AuditLog(database).record("cli", "user_add", f"user:{user.name}", f"role={user.role}")
    print(f"user {user.name} added with role {user.role}")
    return 0


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.portal.accounts import AccountStore
    from bot.timefmt import local_text

    for user in AccountStore(runtime.database()).list():
        state = "disabled" if user.disabled else "active"
        print(f"{user.name}\t{user.role}\t{state}\tlast login: {local_text(user.last_login_at) or '-'}")
    return 0


def cmd_user_disable(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.portal.accounts import AccountStore
    from bot.portal.audit import AuditLog

    database = runtime.database()
    AccountStore(database).disable(args.name)
    AuditLog(database).record("cli", "user_disable", f"user:{args.name}")
    print(f"user {args.name} disabled; their sessions have ended")
    return 0


def cmd_leads_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime
    from bot.leads.export import export_csv
    from bot.portal.audit import AuditLog
    from bot.portal.lead_query import parse_query

    query = parse_query({"status": args.status, "school": args.school, "student_status": args.student_status,
                         "enlist_place": args.enlist_place, "from": args.date_from, "to": args.date_to, "q": args.search})
    count, body = export_csv(runtime.lead_store(), settings.tracker_store, query.criteria)
    if args.output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        with open(args.output, "wb") as handle:
            handle.write(body)
    AuditLog(runtime.database()).record("cli", "export", None, f"{count} 条; 筛选: {query.describe()}")
    print(f"exported {count} lead(s) to {args.output}", file=sys.stderr)
    return 0


def cmd_review_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime

    groups = runtime.review_store().groups(states=(args.state,))
    for group in groups[: args.limit]:
        guesses = ", ".join(f"{g.faq_id} {g.confidence:.2f}" for g in group.top_guesses())
        kinds = ", ".join(f"{kind} {count}" for kind, count in group.kinds.items())
        print(f"{group.count:4d}x  {group.text}  [{kinds}]  guesses: {guesses or '-'}  items: {','.join(map(str, group.item_ids))}")
    print(f"{len(groups)} group(s), {sum(g.count for g in groups)} item(s) in state {args.state}")
    return 0


def cmd_review_decide(settings: Settings, args: argparse.Namespace) -> int:
    from bot import runtime

    decision = "accepted" if args.accept else ("new_faq_needed" if args.new_faq else ("ignored" if args.ignore else "open"))
    known = runtime.faq_catalog().snapshot().by_id
    ids = [int(part) for part in args.ids.split(",") if part.strip()]
    changed = runtime.review_store().decide(ids, decision, args.by, faq_id=args.accept, known_faq_ids=known)
    print(f"{changed} item(s) now {decision}{' as phrasings of ' + args.accept if args.accept else ''}")
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
        print(f"{args.output}: {sum(len(q) for q in patch.phrasings.values())} phrasing(s) for {len(patch.phrasings)} entr(y/ies)")
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
    result = apply_patch(settings.faq_dir, patch, settings.faq_max_age_days, "命令行",
                         FaqHistory(runtime.database()))
    for faq_id, questions in result.added.items():
        print(f"{faq_id}: +{len(questions)} ({'；'.join(questions)})")
    marked = runtime.review_store().mark_applied(i for ids in patch.items.values() for i in ids)
    print(f"{len(result.files)} file(s) written, {result.skipped} phrasing(s) already present, {marked} item(s) marked applied."
          " Run `enlist reload` to train and switch the model.")
    return 0


def cmd_analytics(settings: Settings, args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from bot import runtime
    from bot.analytics import analytics, to_csv
    from bot.timefmt import china_today

    try:
        end = dt.date.fromisoformat(args.to) if args.to else china_today()
        start = dt.date.fromisoformat(args.since) if args.since else end - dt.timedelta(days=29)
        report = analytics(runtime.database(), start, end)
    except ValueError as exc:
        print(f"enlist: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        Path(args.csv).write_text(to_csv(report), encoding="utf-8")
        print(f"{args.csv}: {len(report.days)} day(s)")
        return 0
    print(f"{start} .. {end}: {report.total('questions')} questions in {report.conversations} conversations, "
          f"fallback rate {report.fallback_rate:.1%}, 👍 {report.total('up')} / 👎 {report.total('down')}, "
          f"{report.converted} leads (conversations that submitted the sign-up form), "
          f"conversion {report.conversion:.1%} ({report.converted}/{report.conversations})")
    for faq_id, count in report.top_faqs:
        print(f"  {count:5d}  {faq_id}")
    return 0


def cmd_reload(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reload import reload_model

    result = reload_model(settings)
    accuracy = ""
    if result.accuracy is not None:
        accuracy = f" FAQ accuracy {result.accuracy:.3f}"
        if result.previous_accuracy is not None:
            accuracy += f" (current model {result.previous_accuracy:.3f})"
    print(f"{result.status}: {result.model} (training: {result.training}).{accuracy}\n{result.message}")
    return 0 if result.ok else 1


def cmd_rollback(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reload import rollback_model

    result = rollback_model(settings)
    print(result.message)
    return 0 if result.ok else 1


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    from bench.load import main as bench

    return bench(args.extra)


def cmd_settings(settings: Settings, args: argparse.Namespace) -> int:
    print(describe_settings())
    return 0


def require_action_secret(settings: Settings, command: str) -> None:
    """A lone Rasa server or bot service cannot share `enlist run`'s random secret."""
    if not settings.action_secret:
        raise ConfigError(f"`enlist {command}` needs ENLIST_ACTION_SECRET (the same value for the Rasa servers and "
                          "the bot services: Rasa sends it on every action call, the bot service refuses calls without it)")


def cmd_serve_rasa(settings: Settings, args: argparse.Namespace) -> int:
    """Only the Rasa server (for extra replicas and container deployments)."""
    import os

    from bot.errors import TrainingError
    from bot.runner import rasa_command, write_run_files
    from bot.training import fingerprint, latest_model, model_path_for, subprocess_env

    require_action_secret(settings, "serve-rasa")
    model = model_path_for(settings, fingerprint(settings))
    if not model.exists():
        model = latest_model(settings)
        if model is None:
            raise TrainingError("no trained model in ENLIST_MODELS_DIR; run `enlist train` first")
        print(f"enlist: no model for the current inputs, using the newest: {model.name}", file=sys.stderr)
    argv = rasa_command(settings, model, write_run_files(settings))
    env = {**subprocess_env(settings), "SANIC_WORKERS": str(settings.rasa_worker_count)}
    os.chdir(settings.home)
    os.execve(argv[0], argv, env)
    return 0  # not reached


def cmd_nginx_config(settings: Settings, args: argparse.Namespace) -> int:
    from bot.deploy import nginx_config

    print(nginx_config(args.rasa.split(","), args.bot.split(","), listen=args.listen, access_log=args.access_log,
                       runtime_dir=args.runtime_dir, user=args.user), end="")
    return 0


def cmd_serve_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.server import main as serve

    require_action_secret(settings, "serve-bot")
    serve()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enlist",
        description="征兵咨询助手 (Enlist Assistant). Settings come from ENLIST_* variables; see `enlist settings`.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def add(name: str, handler: Callable, help: str, parent=commands) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    add("run", cmd_run, "build FAQ data, train if an input changed, start Rasa and the bot service")
    train = add("train", cmd_train, "train the model (always; --if-needed skips when inputs are unchanged)")
    train.add_argument("--if-needed", action="store_true", help="only train when the training inputs changed")

    faq = commands.add_parser("faq", help="validate or build the FAQ files in faq/", description="FAQ files in faq/")
    faq_commands = faq.add_subparsers(dest="faq_command", metavar="COMMAND")
    faq_commands.required = True
    add("validate", cmd_faq_validate, "check faq/*.yml and explain every problem (exit 1 on errors)", faq_commands)
    add("build", cmd_faq_build, "compile faq/*.yml into data/nlu/faq.generated.yml", faq_commands)

    evaluate = add("eval", cmd_eval, "evaluate FAQ accuracy and out-of-scope rejection on tests/nlu/")
    evaluate.add_argument("--min-accuracy", type=float, default=0.90)
    evaluate.add_argument("--min-rejection", type=float, default=0.90)

    leads = commands.add_parser("leads", help="leads: export, purge old ones, flush the outbox", description="leads")
    leads_commands = leads.add_subparsers(dest="leads_command", metavar="COMMAND")
    leads_commands.required = True
    purge = add("purge", cmd_leads_purge, "erase leads' personal data (and their conversations' form turns) past retention", leads_commands)
    purge.add_argument("--older-than", type=int, metavar="DAYS", help="default: ENLIST_LEAD_RETENTION_DAYS")
    add("flush", cmd_leads_flush, "save leads waiting in var/outbox/ to the database now", leads_commands)
    export = add("export", cmd_leads_export, "write leads (optionally filtered) as CSV, UTF-8 with BOM for Excel", leads_commands)
    export.add_argument("--output", "-o", required=True, metavar="FILE", help="CSV file to write ('-' = stdout)")
    export.add_argument("--status", help="status code: new, contacted, registered, enlisted, ineligible, not_interested")
    export.add_argument("--school", help="school contains this text")
    export.add_argument("--student-status", help="身份: 在校生 / 应届毕业生 / 往届毕业生 / 其他")
    export.add_argument("--enlist-place", help="拟应征地: 学校所在地 / 户籍所在地 / 未定")
    export.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="registered on or after this day")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="registered on or before this day")
    export.add_argument("--search", help="text in name, phone, school, reference or concern")

    user = commands.add_parser("user", help="portal accounts: add, list, disable", description="portal accounts")
    user_commands = user.add_subparsers(dest="user_command", metavar="COMMAND")
    user_commands.required = True
    user_add = add("add", cmd_user_add, "create a portal account (password prompted twice)", user_commands)
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=("recruiter", "editor", "admin"))
    user_add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add("list", cmd_user_list, "list portal accounts", user_commands)
    user_disable = add("disable", cmd_user_disable, "disable a portal account and end its sessions", user_commands)
    user_disable.add_argument("name")

    review = commands.add_parser("review", help="the review queue of unanswered questions", description="review queue")
    review_commands = review.add_subparsers(dest="review_command", metavar="COMMAND")
    review_commands.required = True
    listing = add("list", cmd_review_list, "show the queue grouped by similar questions, most frequent first", review_commands)
    listing.add_argument("--state", default="open", choices=("open", "accepted", "new_faq_needed", "ignored", "applied"))
    listing.add_argument("--limit", type=int, default=50)
    decide = add("decide", cmd_review_decide, "decide on items: --accept FAQ_ID | --new-faq | --ignore | --reopen", review_commands)
    decide.add_argument("ids", help="item ids, comma-separated (as `enlist review list` shows them)")
    decide.add_argument("--by", required=True, help="your name (recorded with the decision)")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", metavar="FAQ_ID", help="add as phrasings of this FAQ entry")
    choice.add_argument("--new-faq", action="store_true", help="a new FAQ entry is needed")
    choice.add_argument("--ignore", action="store_true")
    choice.add_argument("--reopen", action="store_true")
    export = add("export", cmd_review_export, "write accepted items as a YAML patch for faq/", review_commands)
    export.add_argument("--output", "-o", help="file to write (default: print)")
    apply = add("apply", cmd_review_apply, "add a patch's phrasings to faq/*.yml (validated; nothing written on errors)", review_commands)
    apply.add_argument("file")

    stats = add("analytics", cmd_analytics, "questions, fallbacks, votes, leads and conversion over a date range")
    stats.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="first day (China time; default: 30 days ago)")
    stats.add_argument("--to", metavar="YYYY-MM-DD", help="last day, inclusive (default: today)")
    stats.add_argument("--csv", metavar="FILE", help="write the figures per day as CSV instead")

    add("reload", cmd_reload, "validate, build, train if needed (fine-tune when only phrasings changed), "
        "check accuracy, switch the running Rasa server to the new model")
    add("rollback", cmd_rollback, "switch the running Rasa server back to the previous model")

    add("bench", cmd_bench, "stock rasa run vs the production profile under load; options: `enlist bench -- --help`")

    add("settings", cmd_settings, "list every ENLIST_* setting with its default")
    add("serve-bot", cmd_serve_bot, "run only the bot service (actions, portal, widget) in the foreground")
    add("serve-rasa", cmd_serve_rasa, "run only the Rasa server in the foreground (extra replicas, containers)")
    nginx = add("nginx-config", cmd_nginx_config, "print an nginx.conf for Rasa and bot service replicas behind one address")
    nginx.add_argument("--rasa", default="127.0.0.1:5005,127.0.0.1:5006", help="Rasa replicas, host:port,...")
    nginx.add_argument("--bot", default="127.0.0.1:5055", help="bot service replicas, host:port,...")
    nginx.add_argument("--listen", default="80")
    nginx.add_argument("--access-log", default="/var/log/nginx/enlist.access.log")
    nginx.add_argument("--runtime-dir", help="pid file, error log and temp files here (unprivileged nginx)")
    nginx.add_argument("--user", help="nginx worker user (when started as root)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.handler is not cmd_bench:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
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
