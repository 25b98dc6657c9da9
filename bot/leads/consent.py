"""The consent text students agree to before any personal data is collected.

It says what is collected, why, for how long, who handles it and how to withdraw and have
it deleted (个人信息保护法 第十七条). Changing the wording means bumping ``CONSENT_VERSION`` in
bot/leads/records.py: every lead stores the version it was given, so the portal shows what
the student agreed to.
"""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.contact import contact_line, office_name
from bot.leads.records import CONSENT_VERSION

#: What the student types (or taps) to withdraw consent and have the data deleted.
DELETE_COMMAND = "删除我的信息"


def consent_text(settings: Settings) -> str:
    return (
        "正式报名需要本人在[全国征兵网](https://www.gfbzb.gov.cn)完成兵役登记和应征报名。"
        "我可以先为您登记参军意向，由**离石区人武部**工作人员联系您、解答问题并指导报名。\n\n"
        "登记前请了解：\n"
        "- **收集的信息**：姓名、手机号、学校、身份（在校生/应届毕业生/往届毕业生/其他）、学历层次、户籍所在地、拟应征地、最关心的问题。\n"
        "- **用途**：仅供区人武部工作人员就参军入伍事宜与您联系，不用于其他用途。\n"
        f"- **保存期限**：{settings.lead_retention_days}天，到期删除。\n"
        f"- **处理者**：{office_name(settings)}（{contact_line(settings)}）。\n"
        f"- **撤回与删除**：提交后可随时在本对话回复“{DELETE_COMMAND}”，或联系区人武部，撤回同意并删除您的信息。\n"
        "- 您可以不同意，不影响继续使用本助手咨询；登记过程中随时回复“算了”即可取消。\n\n"
        f"您是否同意登记？（告知版本 {CONSENT_VERSION}）"
    )
