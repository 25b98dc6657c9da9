"""The consent text students agree to before any personal data is collected.

Changing the wording means bumping ``CONSENT_VERSION`` in bot/leads/model.py: every lead
stores the version it was given, so the portal shows what the student agreed to.
"""

from __future__ import annotations

from bot.leads.model import CONSENT_VERSION


def consent_text(retention_days: int) -> str:
    return (
        "正式报名需要本人在[全国征兵网](https://www.gfbzb.gov.cn)完成兵役登记和应征报名。"
        "我可以先为您登记参军意向，由**离石区人武部**工作人员联系您、解答问题并指导报名。\n\n"
        "登记前请了解：\n"
        "- **收集的信息**：姓名、手机号、学校、身份（在校生/应届毕业生/往届毕业生/其他）、学历层次、户籍所在地、拟应征地、最关心的问题。\n"
        "- **用途**：仅供区人武部工作人员就参军入伍事宜与您联系，不用于其他用途。\n"
        f"- **保存期限**：{retention_days}天，到期删除。\n"
        "- 您可以不同意，不影响继续使用本助手咨询；登记过程中随时回复“算了”即可取消。\n\n"
        f"您是否同意登记？（告知版本 {CONSENT_VERSION}）"
    )
