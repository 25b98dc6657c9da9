"""Personal answers through the real REST endpoint: 14 personas and the form's unhappy paths.

Each persona talks to the stack started by the ``stack`` fixture and checks the numbers and
conclusions the answer must contain (policy year 2023, the default).
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import pytest

from bot.conversation.buttons import DETAILS_BUTTON as DETAILS
from bot.conversation.buttons import SIGN_UP_BUTTON as SIGN_UP
from tests.conftest import Chat

pytestmark = pytest.mark.stack

FOOTER = "以上为参考，以征兵办审核为准。"


def talk(chat: Chat, sender: str, messages: Sequence[str]) -> Tuple[str, List[Dict[str, str]]]:
    """Say each message in turn; the last reply's text and buttons."""
    text, buttons = "", []
    for message in messages:
        text, buttons = chat.buttons(sender, message)
    return text, buttons


def assert_result(chat: Chat, sender: str, text: str, buttons: List[Dict[str, str]], *facts: str) -> str:
    """The result is one phone screen; its reasoning comes by the "查看计算过程和依据" button.
    Every fact must be in one of the two; returns both."""
    assert text.endswith(FOOTER), text[-200:]
    assert SIGN_UP in buttons
    whole = text
    if DETAILS in buttons:
        assert len(text) <= 350 and "依据：" not in text, text
        details = chat.text(sender, DETAILS["payload"])
        assert details.startswith("**计算过程和依据**") and "依据：" in details and details.endswith(FOOTER), details[
            :200
        ]
        whole += "\n\n" + details
    for fact in facts:
        assert fact in whole, (fact, whole)
    return whole


def test_persona_1_male_third_year_undergraduate_21(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "我21岁，本科大三，能当兵吗")
    assert "您的性别是" in text and "还需要问几个问题" in text  # age, 本科, 大三 already taken
    text, buttons = talk(chat, sender, ["男", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "年龄条件：符合",
        "您2023年21周岁",
        "上限22周岁",
        "在校生（大三）",
        "学校所在地或入学前户籍所在地",
        "男兵下半年网上报名：2022年12月1日—2023年8月10日18时",
        "初次兵役登记",
    )
    assert {"title": "学校所在地还是户籍地", "payload": "/compare_location"} in buttons
    side_by_side = chat.text(sender, "/compare_location")
    assert "您是在校生（本科）两地都可以选" in side_by_side
    assert "学校所在地——学校所在地的县级征兵办公室组织；户籍地——户籍地的县级征兵办公室组织" in side_by_side
    assert "退役安置地" in side_by_side and side_by_side.endswith(FOOTER)


def test_persona_2_female_postgraduate_25_with_body_numbers(chat: Chat, sender: str) -> None:
    assert "您的性别是" in chat.text(sender, "我能当兵吗")
    text, buttons = talk(chat, sender, ["女", "25岁", "研究生", "在校生", "165cm 52公斤 左眼4.6右眼5.0"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "年龄条件：符合",
        "2023年25周岁",
        "全日制研究生应届毕业生及在校生",
        "上限26周岁",
        "身高165cm：达到女性158cm以上的要求",
        "BMI = 52 ÷ 1.65² ≈ 19.1",
        "17≤BMI<24",
        "裸眼视力4.6、5.0：有一眼低于4.8，需查矫正视力",
        "女兵下半年网上报名起止时间：未找到公开来源，请关注",
    )
    assert "初次兵役登记" not in text  # the registration duty is for men
    again, buttons = chat.buttons(sender, "我符合条件吗")  # everything known: the answer comes at once
    again = assert_result(chat, sender, again, buttons, "上限26周岁", "BMI = 52 ÷ 1.65² ≈ 19.1")


def test_persona_3_male_vocational_graduate_25_over_the_limit(chat: Chat, sender: str) -> None:
    chat.text(sender, "帮我看看能不能报名")
    text, buttons = talk(chat, sender, ["男，二十五岁，专科往届毕业生", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "很遗憾",
        "2023年25周岁，已超过普通高校本专科毕业生24周岁的上限",
        "不能应征义务兵",
        "感谢您的报国热情",
        "户籍所在地",
        "与出生月日无关",
    )
    assert "学校所在地或" not in text and "文职" not in text


def test_persona_4_first_year_freshman(chat: Chat, sender: str) -> None:
    text = chat.text(sender, "我是大一新生，男，18岁，我能报名吗")
    assert "学历层次" in text
    text, buttons = talk(chat, sender, ["本科", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "年龄条件：符合",
        "2023年18周岁",
        "上限22周岁",
        "本科，新生（大一）",
        "您可以在入学前户籍所在地应征：大学新生在入学前户籍所在地应征",
    )
    assert {"title": "学校所在地还是户籍地", "payload": "/compare_location"} not in buttons


def test_persona_5_high_school_graduate_18_with_chinese_units(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text = talk(chat, sender, ["男", "二零零五年出生", "高中"])[0]
    assert "身高、体重和视力" in text  # a man with 高中 is not asked his 身份: it changes nothing
    text, buttons = talk(chat, sender, ["一米七五 一百四十斤 视力4.6"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "年龄条件：符合",
        "您2023年18周岁",
        "上限22周岁",
        "身高175cm：达到男性160cm以上的要求",
        "BMI = 70 ÷ 1.75² ≈ 22.9：在男性合格范围17.5≤BMI<30内",
        "裸眼视力4.6（按两眼都是此值）",
        "您可以在户籍所在地",
    )
    assert {"title": "估算学费补偿", "payload": "/estimate_benefit"} not in buttons


def test_persona_6_graduate_24_then_benefit_estimate_for_2023_09(chat: Chat, sender: str) -> None:
    text, buttons = talk(chat, sender, ["我24岁，本科应届毕业生，男，我能当兵吗", "跳过"])
    text = assert_result(
        chat, sender, text, buttons, "年龄条件：符合", "2023年24周岁", "普通高校本专科毕业生", "上限24周岁"
    )
    assert {"title": "估算学费补偿", "payload": "/estimate_benefit"} in buttons
    text = chat.text(sender, "/estimate_benefit")
    assert "什么时候入伍" in text and "已知：本科，应届毕业生" in text  # 学历/身份 reused, not asked
    text, buttons = talk(chat, sender, ["2023年9月", "5000元/年", "4年", "没有"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "学费补偿/代偿估算：共20000元（每年5000元 × 4年）",
        "**5000元/年 × 4年 = 20000元**",
        "2023年下半年入伍（9月1日批准入伍）",
        "本专科每年16000元",
        "（这是按条文推算的，请以区人武部答复为准）",
        "一次性申报全部学年",
        "毕业生入伍没有退役复学的学费减免",
        "初试总分加10分",
    )


def test_persona_7_seventeen_year_old(chat: Chat, sender: str) -> None:
    text, buttons = talk(chat, sender, ["我17岁，高三，男，能当兵吗", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "您2023年17周岁",
        "年满17周岁未满18周岁",
        "《兵役法》第二十条",
        "一般从当年年满18周岁起",
    )


def test_persona_8_woman_graduated_last_year_23(chat: Chat, sender: str) -> None:
    chat.text(sender, "帮我看看能不能报名")
    text, buttons = talk(chat, sender, ["女，去年本科毕业，23岁", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "年龄条件：符合",
        "往届毕业生（2022年毕业）",
        "上限23周岁",
        "2022年普通高校全日制本专科应届毕业生可以报名参加2023年上半年女兵征集",
        "女兵上半年网上报名：2023年1月1日—2023年2月10日18时",
    )
    assert "下半年征兵8月15日" not in text  # this limit is for the first round only


def test_persona_9_birthday_near_the_cut_off_and_facts_said_first(chat: Chat, sender: str) -> None:
    noted = chat.text(sender, "我2000年12月出生，大二，男")
    assert "记下了" in noted and "2000年出生" in noted
    text = chat.text(sender, "帮我看看能不能报名")
    assert "学历层次" in text and "性别" not in text.split("还需要")[1]
    text, buttons = talk(chat, sender, ["本科", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "很遗憾",
        "2023年23周岁，已超过男青年（一般条件）22周岁的上限",
        "年龄按“征兵年份减出生年份”计算，与出生月日无关",
        "您2000年出生，2023年按23周岁计",
    )


def test_persona_10_postgraduate_27_over_the_limit_other_paths(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text, buttons = talk(chat, sender, ["男，27岁，研究生应届毕业生", "跳过"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "很遗憾",
        "已超过研究生毕业生及在校生26周岁的上限",
        "现役军官也可以从普通高等学校应届毕业生中选拔、招收",
        "《兵役法》第三十三条",
    )
    assert "文职" not in text  # the fact sheet has no entry conditions for 军队文职


def test_persona_11_final_year_undergraduate_23_and_03_year(chat: Chat, sender: str) -> None:
    text, buttons = talk(chat, sender, ["我是大四的男生，23岁，能报名吗", "跳过"])
    text = assert_result(chat, sender, text, buttons, "年龄条件：符合", "符合毕业条件的本专科毕业班学生", "上限24周岁")
    other = sender + "-03"
    text, buttons = talk(chat, other, ["我能当兵吗", "男", "03年的", "本科", "在校生", "跳过"])
    text = assert_result(chat, sender, text, buttons, "您2023年20周岁", "上限22周岁")


def test_persona_12_student_benefit_with_loan_and_return_reduction(chat: Chat, sender: str) -> None:
    assert "学历层次" in chat.text(sender, "帮我算算能拿多少学费补偿")
    text, buttons = talk(chat, sender, ["本科", "在校生", "2023年上半年", "一年四千五", "2年", "贷款一万六"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "学费补偿/代偿估算：共16000元（每年8000元 × 2年）",
        "与助学贷款16000元÷2年=8000元/年中的较高者",
        "本专科每年12000元",
        "（这是按条文推算的，请以区人武部答复为准）",
        "补偿资金首先用于偿还贷款",
        "按本科学制4年计",
        "4500元/年 × 2年 = 9000元",
        "保留学籍",
        "复学可转专业",
    )


def test_persona_13_freshman_benefit(chat: Chat, sender: str) -> None:
    chat.text(sender, "帮我算算能拿多少学费补偿")
    text, buttons = talk(chat, sender, ["专科", "新生", "下半年", "6000"])
    text = assert_result(
        chat,
        sender,
        text,
        buttons,
        "入伍时没有已交学费可补偿",
        "2023年下半年入伍",
        "按专科学制3年计",
        "6000元/年 × 3年 = 18000元",
        "专升本",
        "保留学籍或入学资格",
    )


def test_persona_14_high_school_benefit_not_applicable(chat: Chat, sender: str) -> None:
    chat.text(sender, "帮我算算能拿多少学费补偿")
    text, buttons = talk(chat, sender, ["高中"])
    text = assert_result(
        chat, sender, text, buttons, "入伍时的学费补偿、代偿是给普通高校学生的", "现在不适用", "离石区的具体金额未找到"
    )


# --- unhappy paths ---------------------------------------------------------------------------


def test_faq_question_mid_form_is_answered_then_the_form_resumes(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text = chat.text(sender, "当过兵回来考研能加几分")
    assert "初试总分加10分" in text and "您的性别是" in text
    text, buttons = talk(chat, sender, ["男", "2002年出生", "本科", "在校生", "跳过"])
    text = assert_result(chat, sender, text, buttons, "年龄条件：符合", "上限22周岁")


def test_cancel_stops_the_form_and_faq_works_again(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    assert "已经停止" in chat.text(sender, "取消")
    assert "初试总分加10分" in chat.text(sender, "当兵回来考研能加分吗")
    chat.text(sender + "-b", "帮我算算能拿多少学费补偿")
    assert "已经停止" in chat.text(sender + "-b", "算了")


def test_unclear_answer_gets_a_hint_and_the_question_again(chat: Chat, sender: str) -> None:
    chat.text(sender, "我能当兵吗")
    text = chat.text(sender, "嗯嗯嗯")
    assert "没听明白您的性别" in text and "您的性别是" in text
    text = chat.text(sender, "啊这")
    assert "也可以回复“取消”结束" in text


@pytest.mark.parametrize("message", ["我22岁能当兵吗", "我符合条件吗", "帮我看看能不能报名", "我能当兵吗"])
def test_personal_questions_start_the_check(chat: Chat, sender: str, message: str) -> None:
    text = chat.text(sender, message)
    assert "帮您自测能不能报名" in text and "还需要问几个问题" in text


@pytest.mark.parametrize(
    "message, fact",
    [
        ("年龄要求是多少", "18至22周岁"),
        ("学费补偿标准是多少", "16000元"),
        ("我是在校生，可以在学校那边报名当兵吗", "学校所在地"),
    ],
)
def test_general_questions_stay_faq_answers(chat: Chat, sender: str, message: str, fact: str) -> None:
    text = chat.text(sender, message)
    assert fact in text and "（2023年政策 · 仅供参考，以征兵办审核为准）" in text
    assert "还需要问几个问题" not in text
