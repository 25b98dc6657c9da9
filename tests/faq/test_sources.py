"""Student-facing sources: official links only, no grading jargon, every source, strongest first."""

from bot.faq.sources import is_official, plain_name, student_jargon, student_source, student_sources

MIRROR = "新华社《2023年全国征兵工作电视电话会议在京召开》（2023-01-18，镜像转载） — http://colorful.careyatlantaproperties.com/20210292/7365427.html"
GITHUB = (
    "《中华人民共和国兵役法》第二十一条 — https://github.com/LawRefBook/Laws/blob/master/行政法/兵役法(2021-08-20).md"
)
SCHOOL = "吉林大学学生处《最新服兵役资助标准提高工作提示》（2024-10-17） — https://xsc.jlu.edu.cn/info/1176/4643.htm"
ARMY = "中国军网：退役大学生士兵六项新政（2015-07-02） — http://81.cn/jwzl/2015-07/02/content_6641322.htm"


def test_official_domains_and_their_subdomains() -> None:
    for url in (
        "https://www.gfbzb.gov.cn",
        "http://81.cn/x",
        "http://eng.chinamil.com.cn/v",
        "https://xsc.jlu.edu.cn/a",
        "http://en.people.cn/n3",
        "https://epaper.gmw.cn/g",
        "https://flk.npc.gov.cn/detail",
    ):
        assert is_official(url), url
    for url in (
        "https://github.com/LawRefBook/Laws",
        "http://ckbkkc.com/x",
        "https://notgov.cn.example.com/",
        "https://evilgov.cn/",
    ):
        assert not is_official(url), url


def test_mirror_is_named_without_link_or_jargon() -> None:
    [shown] = student_sources([MIRROR])
    assert "http" not in shown and "镜像" not in shown
    assert shown == "新华社《2023年全国征兵工作电视电话会议在京召开》（2023-01-18）"


def test_law_on_github_is_named_with_article_no_link() -> None:
    assert student_sources([GITHUB]) == ["《中华人民共和国兵役法》第二十一条"]


def test_every_source_shown_strongest_first() -> None:
    shown = student_sources(
        [SCHOOL, MIRROR, ARMY, GITHUB, "某高校2021年兵役登记通知（应征地选择要求，镜像） — https://shgongzhou.com/x"]
    )
    assert len(shown) == 5
    assert shown[0] == "新华社《2023年全国征兵工作电视电话会议在京召开》（2023-01-18）"  # A grade, 2023
    assert shown[1].startswith("[中国军网") and shown[2] == "《中华人民共和国兵役法》第二十一条"
    assert shown[3].startswith("[吉林大学学生处")
    assert shown[4] == "某高校2021年兵役登记通知（应征地选择要求）"


def test_plain_name_and_jargon_detection() -> None:
    assert plain_name("2021年《应征公民体格检查标准》（转引）") == "2021年《应征公民体格检查标准》"
    assert student_jargon("这条是C级来源，转引自某站【推断】") == ["C级", "转引", "推断"]
    assert student_source("x", "https://github.com/a") == "x"


def test_every_faq_answer_as_students_read_it() -> None:
    """The real faq/: only official links, no grading words, and every source of an entry named."""
    import re
    from pathlib import Path

    from bot.faq.catalog import FaqCatalog
    from bot.faq.render import render_answer
    from bot.faq.sources import is_official

    snapshot = FaqCatalog(Path(__file__).resolve().parents[2] / "faq").snapshot()
    assert len(snapshot.by_id) >= 50
    for entry in snapshot.by_id.values():
        text = render_answer(entry, snapshot, entry.policy_year, "").text
        for url in re.findall(r"\]\((https?://[^)]+)\)", text) + re.findall(r"(?<!\()https?://\S+", text):
            assert is_official(url), (entry.id, url)
        assert not student_jargon(text), (entry.id, student_jargon(text))
        for shown in student_sources(entry.sources):
            assert shown in text[text.index("依据：") :], (entry.id, shown)
        assert len(student_sources(entry.sources)) == len({s for s in entry.sources}), entry.id
