"""The 2023 policy table: every rule the personal answers use, from ../shared/policy/facts-2023.md.

Each rule cites the fact sheet's source codes (section 0: L1 = 《征兵工作条例》2023, N1 = the
2023 national conscription conference, N8 = the tuition-cap table …) and keeps the fact
sheet's status: 推断 where the sheet derives it, 存疑 where the only source is weak,
未找到 where the sheet found nothing. No number here is absent from the fact sheet.
To add another year, copy this module and register it in :mod:`bot.eligibility.policy`.
"""

from __future__ import annotations

import datetime as dt

from bot.eligibility.model import (
    AgeRule,
    Benefit,
    BmiRange,
    Cite,
    LocationRow,
    LocationRule,
    Physical,
    PolicyYear,
    Round,
    Rule,
    Source,
    Status,
    TuitionCap,
    Window,
)

GH = "https://github.com/LawRefBook/Laws/blob/master"

SOURCES = {
    s.code: s
    for s in (
        Source("L1", "《征兵工作条例》（2023年修订）", f"{GH}/行政法规/征兵工作条例(2023-04-01).md", "A", "《征兵工作条例》"),
        Source("L2", "《中华人民共和国兵役法》（2021年修订）", f"{GH}/行政法/兵役法(2021-08-20).md", "A", "《兵役法》"),
        Source("L3", "《中华人民共和国退役军人保障法》", f"{GH}/社会法/退役军人保障法(2020-11-11).md", "A", "《退役军人保障法》"),
        Source("L4", "《退役士兵安置条例》", f"{GH}/行政法规/退役士兵安置条例(2011-10-29).md", "A", "《退役士兵安置条例》"),
        Source("N1", "新华社《2023年全国征兵工作电视电话会议在京召开》（2023-01-18，镜像转载）", "http://colorful.careyatlantaproperties.com/20210292/7365427.html", "A", "2023年全国征兵工作会议"),
        Source("N3", "解放军报《2020年起实行一年两次征兵两次退役》（转载）", "http://www.mnw.cn/news/china/2242064.html", "A", "解放军报（一年两次征兵）"),
        Source("N4", "中国军网英文版：研究生征集年龄放宽至26岁（2022-08-09）", "http://eng.chinamil.com.cn/view/2022-08/09/content_10177105.htm", "A", "中国军网（研究生年龄放宽）"),
        Source("N6", "某学院通知《【征兵报名全攻略!】附体检标准~》（2022-12-01，镜像转载）", "https://chaozhibaike.com/info/1112/3056.html", "C", "某学院报名通知"),
        Source("N8", "吉林大学学生处《最新服兵役资助标准提高工作提示》（2024-10-17）", "https://xsc.jlu.edu.cn/info/1176/4643.htm", "B", "吉林大学学生处资助标准对照表"),
        Source("N9", "国家助学贷款政策问答（服兵役资助标准相应调整为16000/20000元）", "http://m.wybk.com/news/a6cf6cb4f056381db16cbd8601380d35.html", "C", "助学贷款政策问答"),
        Source("N13", "某高校学生工作处：学费补偿、学费减免申请要求", "https://xgc.nau.edu.cn/2026/0113/c3476a153430/page.htm", "B", "高校学费补偿申请要求"),
        Source("N15", "某高校学生处：服兵役资助四类申报说明", "https://xsc.hmlc.edu.cn/info/1029/13140.htm", "B", "高校服兵役资助申报说明"),
        Source("N16", "《政策解读‖服兵役学生国家教育资助（一）》（镜像）", "http://ckbkkc.com/sites/html/yx21/2024_04/01_08/content-20932.shtml", "C", "服兵役资助政策解读"),
        Source("N17", "中国军网：退役大学生士兵六项新政（2015-07-02）", "http://81.cn/jwzl/2015-07/02/content_6641322.htm", "A", "中国军网（退役大学生士兵新政）"),
        Source("N18", "教育部关于做好2021届高校毕业生就业创业工作的通知（中国传媒大学转载）", "http://xsc.cuc.edu.cn/2021/0309/c2875a178584/page.htm", "B", "教育部2021年就业通知"),
        Source("N19", "2023年硕士研究生招生工作管理规定中退役大学生士兵条款（华图转述）", "http://m.huatu.com/jzg/2022/0926/2571059.html", "C", "2023年硕士招生管理规定（转述）"),
        Source("N20", "云南省大姚县政府：退役大学生士兵升学优待汇总（2023-09-14）", "http://dayao.gov.cn/info/egovinfo/1007/overt_centent/dyx019-/2023-0914002.htm", "B", "大姚县升学优待汇总"),
        Source("N21", "中国政法大学新闻网《大学生参军入伍基本条件》（引2021年《应征公民体格检查标准》）", "http://news.cupl.edu.cn/info/1213/31575.htm", "B", "中国政法大学《大学生参军入伍基本条件》"),
        Source("N24", "国家助学金说明（退役士兵学生3300元/年，2023-10-10）", "https://www.51dongshi.net/wzztf/rdsvh/rdsvhavdr", "C", "国家助学金说明"),
        Source("N26", "某武装部全国征兵网操作指南（注册、兵役登记、应征报名、打印、现场确认）", "https://aigosec.com/bwc/info/1013/1321.html", "C", "某武装部征兵网操作指南"),
        Source("N28", "东北师范大学学生指南站“服兵役学生国家教育资助”", "https://innenu.com/intro/subsidize/military/intro.html", "C", "东北师大学生指南站"),
        Source("N29", "安庆职业技术学院：学费补偿标准问答（引财教〔2013〕236号）", "https://www.aqvtc.edu.cn/jiuye/2016/1024/c209a2749/page.htm", "B", "安庆职院学费补偿问答"),
        Source("N33", "学分网问答：入伍学费补偿、代偿及减免标准与年限", "https://m.xuefen.net/ask/3859691.html", "C", "学分网问答"),
        Source("N38", "桂林电子科技大学信息科技学院兵役登记通知（2017）", "https://guit.edu.cn/info/1028/1355.htm", "B", "高校兵役登记通知示例"),
    )
}

MALE, FEMALE = "男", "女"
HIGHER_ED = frozenset({"专科", "本科"})
POSTGRAD = frozenset({"研究生"})
UNI = frozenset({"专科", "本科", "研究生"})
N1 = Cite("N1")
L2_20 = Cite("L2", "第二十条")

# --- age ---------------------------------------------------------------------------------
# Order matters: for each gender the first rule that matches the student applies.
AGE_RULES = (
    AgeRule(id="age.m.postgrad", gender=MALE, max_age=26, group="研究生毕业生及在校生", educations=POSTGRAD,
            text="男青年研究生毕业生及在校生，征集年龄放宽至26周岁", cites=(N1, L2_20, Cite("N4"))),
    AgeRule(id="age.m.graduate", gender=MALE, max_age=24, group="普通高校本专科毕业生",
            educations=HIGHER_ED, statuses=frozenset({"应届毕业生", "往届毕业生"}),
            text="男青年普通高校本专科毕业生，征集年龄放宽至24周岁", cites=(N1, L2_20)),
    AgeRule(id="age.m.final_year", gender=MALE, max_age=24, group="符合毕业条件的本专科毕业班学生",
            educations=HIGHER_ED, statuses=frozenset({"在校生"}), final_year_only=True,
            text="符合毕业条件的本专科毕业班学生，征集年龄放宽至24周岁", cites=(N1,)),
    AgeRule(id="age.m.junior", gender=MALE, max_age=20, group="初中毕业文化程度的男青年", educations=frozenset({"初中"}),
            text="男青年初中毕业文化程度的，不超过20周岁", cites=(N1,)),
    AgeRule(id="age.m.general", gender=MALE, max_age=22, group="男青年（一般条件）",
            text="男青年一般为当年年满18至22周岁", cites=(N1,)),
    AgeRule(id="age.f.postgrad", gender=FEMALE, max_age=26, group="全日制研究生应届毕业生及在校生",
            educations=POSTGRAD, statuses=frozenset({"在校生", "应届毕业生", "新生"}),
            text="女青年全日制研究生应届毕业生及在校生，征集年龄放宽至26周岁", cites=(N1,)),
    AgeRule(id="age.f.university", gender=FEMALE, max_age=22, group="普通高校全日制应届毕业生及在校生",
            educations=HIGHER_ED, statuses=frozenset({"在校生", "应届毕业生", "新生"}),
            text="女兵征集普通高校全日制应届毕业生及在校生，年龄一般为当年年满18至22周岁", cites=(N1,)),
    AgeRule(id="age.f.high_school", gender=FEMALE, max_age=22, group="普通高中应届毕业生",
            educations=frozenset({"高中"}), statuses=frozenset({"应届毕业生"}), rounds=("下半年",),
            text="女兵征集普通高中应届毕业生（高中在校生不在征集对象内），年龄一般为当年年满18至22周岁；"
                 "多份资料称高中毕业生一般只在下半年征集", cites=(N1,), status=Status.DOUBTFUL),
    AgeRule(id="age.f.last_year_graduate", gender=FEMALE, max_age=23, group="上一年毕业的普通高校全日制本专科毕业生（仅上半年）",
            educations=HIGHER_ED, statuses=frozenset({"往届毕业生"}), graduated_years_ago=1, rounds=("上半年",),
            text="2022年普通高校全日制本专科应届毕业生可以报名参加2023年上半年女兵征集，年龄放宽至23周岁", cites=(N1,)),
)

AGE_NOTES = {
    "counting": Rule(id="age.counting", text="年龄按“征兵年份减出生年份”计算，与出生月日无关；18至22周岁对应2001年1月1日至2005年12月31日出生",
                     cites=(Cite("N21"), Cite("N6"))),
    "seventeen": Rule(id="age.seventeen", text="根据军队需要和本人自愿，可以征集年满17周岁未满18周岁的公民", cites=(L2_20,)),
    "minimum": Rule(id="age.minimum", text="征集年龄一般从当年年满18周岁起", cites=(N1,)),
    "women_targets": Rule(id="age.f.targets", text="2023年女兵征集对象为普通高中应届毕业生、普通高等学校和科研机构全日制应届毕业生及在校生",
                          cites=(N1,)),
}

# --- rounds, registration ----------------------------------------------------------------
ROUNDS = (
    Round(id="round.first", name="上半年", start=dt.date(2023, 2, 15), end=dt.date(2023, 3, 31), approval_month=3, approval_day=1,
          focus="往届毕业生、高职高专毕业班学生和各类社会技能人才",
          text="2023年上半年征兵2月15日开始、3月31日结束，新兵3月1日批准入伍", cites=(N1, Cite("N3"))),
    Round(id="round.second", name="下半年", start=dt.date(2023, 8, 15), end=dt.date(2023, 9, 30), approval_month=9, approval_day=1,
          focus="应届毕业生、在校生和新生",
          text="2023年下半年征兵8月15日开始、9月30日结束，新兵9月1日批准入伍", cites=(N1, Cite("N3"))),
)

WINDOWS = (
    Window(id="window.m.first", gender=MALE, round="上半年", opens="2022年12月1日", closes="2023年2月10日18时",
           text="男兵上半年网上报名", cites=(Cite("N6"),), status=Status.DOUBTFUL),
    Window(id="window.m.second", gender=MALE, round="下半年", opens="2022年12月1日", closes="2023年8月10日18时",
           text="男兵下半年网上报名", cites=(Cite("N6"),), status=Status.DOUBTFUL),
    Window(id="window.f.first", gender=FEMALE, round="上半年", opens="2023年1月1日", closes="2023年2月10日18时",
           text="女兵上半年网上报名", cites=(Cite("N6"),), status=Status.DOUBTFUL),
    Window(id="window.f.second", gender=FEMALE, round="下半年", opens=None, closes=None,
           text="女兵下半年网上报名起止时间", cites=(Cite("N6"),), status=Status.NOT_FOUND),
)

REGISTRATION = {
    "military_registration": Rule(id="reg.military", text="每年12月31日以前年满18周岁的男性公民，都应当在当年进行初次兵役登记，可以网络登记或到兵役登记站（点）现场登记",
                                  cites=(Cite("L2", "第十五条"), Cite("L1", "第十一条"))),
    "before_applying": Rule(id="reg.before", text="男兵报名前须完成兵役登记", cites=(Cite("N6"),), status=Status.DOUBTFUL),
    "website": Rule(id="reg.website", text="网上应征报名在全国征兵网（www.gfbzb.gov.cn）进行，这是国防部征兵办公室指定的唯一官方网上应征平台",
                    cites=(Cite("N3"),)),
    "steps": Rule(id="reg.steps", text="网上环节一般为注册账号、应征报名、打印表格、到现场确认",
                  cites=(Cite("N26"),), status=Status.DOUBTFUL),
}

# --- body ------------------------------------------------------------------------------
N21 = Cite("N21")
PHYSICAL = Physical(
    min_height_cm={MALE: 160, FEMALE: 158},
    bmi={MALE: BmiRange(17.5, 30), FEMALE: BmiRange(17, 24)},
    bmi_special_male_high=27,
    bmi_hba1c_from=28,
    vision_fail_below=4.5,
    vision_corrected_below=4.8,
    max_correction_degree=600,
    rules={
        "height": Rule(id="body.height", text="身高：男性160cm以上，女性158cm以上", cites=(N21,)),
        "bmi": Rule(id="body.bmi", text="体重：男性17.5≤BMI<30，女性17≤BMI<24，且空腹血糖<7.0mmol/L；BMI=体重(kg)÷身高(m)²", cites=(N21,)),
        "bmi_special": Rule(id="body.bmi_special", text="男性身体条件兵要求17.5≤BMI<27", cites=(N21,)),
        "hba1c": Rule(id="body.hba1c", text="BMI≥28的须加查糖化血红蛋白，<6.5%为合格", cites=(N21,)),
        "vision": Rule(id="body.vision", text="任何一眼裸眼视力低于4.5不合格；任何一眼裸眼视力低于4.8需查矫正视力，任何一眼矫正视力低于4.8或矫正度数超过600度不合格",
                       cites=(N21,)),
        "laser": Rule(id="body.laser", text="准分子激光手术半年以上、无并发症、任何一眼裸眼视力达4.8、眼底正常的，除条件兵外合格", cites=(N21,)),
    },
)

# --- tuition ---------------------------------------------------------------------------
N8 = Cite("N8")
TUITION_CAPS = (
    TuitionCap(id="cap.before_2022", start=None, end=dt.date(2022, 1, 23), undergraduate=8000, postgraduate=12000,
               text="《入伍通知书》日期在2022年1月24日前的，本专科每人每年8000元、研究生12000元", cites=(N8,)),
    TuitionCap(id="cap.2022", start=dt.date(2022, 1, 24), end=dt.date(2023, 8, 31), undergraduate=12000, postgraduate=16000,
               text="《入伍通知书》日期在2022年1月24日至2023年8月31日的，本专科每人每年12000元、研究生16000元", cites=(N8,)),
    TuitionCap(id="cap.2023", start=dt.date(2023, 9, 1), end=dt.date(2024, 8, 31), undergraduate=16000, postgraduate=20000,
               text="《入伍通知书》日期在2023年9月1日至2024年8月31日的，本专科每人每年16000元、研究生20000元", cites=(N8, Cite("N9"))),
    TuitionCap(id="cap.2024", start=dt.date(2024, 9, 1), end=None, undergraduate=20000, postgraduate=25000,
               text="2024年9月1日起本专科20000元、研究生25000元（来源注明当时正式文件尚未印发，仅供参考）", cites=(N8,),
               status=Status.DOUBTFUL),
)

TUITION_RULES = {
    "veteran_student": Rule(id="tuition.veteran_student",
                            text="退役后考入高校的，接受学历教育时按照国家有关规定享受学费和助学金资助等国家教育资助政策；"
                                 "自主就业的退役士兵报考普通高等学校的，按照国家有关规定享受优待",
                            cites=(Cite("L3", "第三十四条"), Cite("L4", "第二十八条"))),
    "round_to_cap": Rule(id="tuition.round_to_cap",
                         text="上半年3月1日、下半年9月1日批准入伍，按入伍通知书日期对应上表时段的标准；实际以入伍通知书日期和学校资助中心核定为准",
                         cites=(Cite("N3"), N8), status=Status.INFERRED),
    "higher_of": Rule(id="tuition.higher_of", text="金额按实际缴纳的学费与用于学费的国家助学贷款（含本金及偿还前产生的利息）两者较高者计算，超出标准的部分不予补偿、代偿或减免",
                      cites=(Cite("N28"), Cite("N29"))),
    "loan_first": Rule(id="tuition.loan_first", text="在校期间有国家助学贷款的，补偿资金首先用于偿还贷款，高出部分退还学生",
                       cites=(Cite("N29"),)),
    "graduate_once": Rule(id="tuition.graduate_once", text="毕业生入伍：入伍当年一次性申报全部学年的学费补偿或贷款代偿", cites=(Cite("N15"),)),
    "student_years": Rule(id="tuition.student_years", text="在校生入伍：入伍时补偿已读完的学年，其余学年退役复学后学费减免（不复学则不能申报剩余学费）",
                          cites=(Cite("N15"), Cite("N16"))),
    "reduction_semester": Rule(id="tuition.reduction_semester", text="退役复学后的学费减免按学校实际收取的学费执行，上限看学费产生的学期适用的标准",
                               cites=(N8, Cite("N29"))),
    "remaining_years": Rule(id="tuition.remaining_years", text="退役复学后应完成的剩余修业年限即为学费减免年限", cites=(Cite("N33"),),
                            status=Status.DOUBTFUL),
    "freshman": Rule(id="tuition.freshman", text="新生入伍：退役后入学，按规定享受学费减免", cites=(Cite("N28"), Cite("N16"))),
    "apply": Rule(id="tuition.apply", text="在全国征兵网填写、打印《应征入伍服兵役高等学校学生国家教育资助申请表》，由批准入伍地县级征兵办公室盖章后交学校",
                  cites=(Cite("N13"), Cite("N16"))),
    "excluded": Rule(id="tuition.excluded", text="在校期间已通过其他方式免除全部学费的、定向生（定向培养军士除外）、委培生不享受",
                     cites=(Cite("N16"),), status=Status.DOUBTFUL),
}

# --- where to enlist --------------------------------------------------------------------------
L1_15 = Cite("L1", "第十五条")
LOCATIONS = (
    LocationRule(id="loc.student", statuses=frozenset({"在校生", "应届毕业生"}), educations=UNI,
                 options=("学校所在地", "入学前户籍所在地"),
                 text="普通高校全日制在校生、应届毕业生可以在入学前户籍所在地或者学校所在地应征", cites=(L1_15, N1)),
    LocationRule(id="loc.freshman", statuses=frozenset({"新生"}), options=("入学前户籍所在地",),
                 text="大学新生在入学前户籍所在地应征", cites=(N1,)),
    LocationRule(id="loc.graduate", statuses=frozenset({"往届毕业生"}),
                 options=("户籍所在地", "经常居住地（与户籍地不在同一省份、取得当地居住证3年以上等符合规定条件的）"),
                 text="往届毕业生没有学校所在地选项，按户籍所在地应征（或符合条件的经常居住地）", cites=(L1_15, N1), status=Status.INFERRED),
    LocationRule(id="loc.default", options=("户籍所在地", "经常居住地（与户籍地不在同一省份、取得当地居住证3年以上等符合规定条件的）"),
                 text="应征公民在户籍所在地应征；经常居住地与户籍地不在同一省份、符合规定条件的，可以在经常居住地应征", cites=(L1_15, N1)),
)

LOCATION_ROWS = (
    LocationRow(id="row.form", topic="报名时填写的“应征地”", school="填学校所在地（高校通知示例）", hukou="填入学前户籍所在地",
                text="兵役登记、应征报名时须填写应征地", cites=(Cite("N38"),), status=Status.DOUBTFUL),
    LocationRow(id="row.initial_exam", topic="初步体检", school="全国任一指定医疗机构，结果全国互认", hukou="同左，两地一样",
                text="初步体检可在全国范围内任一指定医疗机构进行，结果全国互认", cites=(Cite("L1", "第十六条"),)),
    LocationRow(id="row.exam", topic="正式体检、政治考核、审定新兵", school="学校所在地的县级征兵办公室组织", hukou="户籍地的县级征兵办公室组织",
                text="体格检查、政治考核、审定新兵由征集地县级以上征兵办公室组织", cites=(Cite("L1", "第十八、二十三、二十七条"),)),
    LocationRow(id="row.allowance", topic="义务兵家庭优待金", school="由学校所在地（批准入伍地）县级政府按当地标准发放", hukou="由户籍地（批准入伍地）县级政府按当地标准发放",
                text="优待金由批准入伍地县级政府发放，标准由地方制定，两地标准可能不同，离石区的金额未找到，请向两地征兵办核实",
                cites=(Cite("L1", "第六十二条"), Cite("L2", "第五十条")), status=Status.INFERRED),
    LocationRow(id="row.aid_stamp", topic="学费资助申请表盖章", school="学校所在地县级征兵办公室", hukou="户籍地县级征兵办公室",
                text="学费资助申请表须加盖批准入伍地县级征兵办公室印章", cites=(Cite("N13"), Cite("N16"))),
    LocationRow(id="row.resettlement", topic="退役安置地", school="原则为入伍时户口所在地；在校生退役后不复学的，为入学前户口所在地", hukou="原则为入伍时户口所在地；在校生退役后不复学的，为入学前户口所在地（与从哪里应征无关）",
                text="退役安置地原则为入伍时户口所在地；入伍时是在校学生、退役后不复学的，为入学前户口所在地", cites=(Cite("L4", "第十条"),)),
)

# --- other benefits ---------------------------------------------------------------------------
STUDENT = frozenset({"在校生"})
ENROLLED = frozenset({"在校生", "新生"})
GRADUATES = frozenset({"应届毕业生", "往届毕业生"})
BENEFITS = (
    Benefit(id="benefit.keep_status", title="保留学籍或入学资格", statuses=ENROLLED, educations=UNI,
            text="服现役期间保留学籍或入学资格，退出现役后两年内允许复学或入学", cites=(Cite("L1", "第三十三条"), Cite("L3", "第三十五条"))),
    Benefit(id="benefit.transfer", title="复学可转专业", statuses=STUDENT, educations=UNI,
            text="退役后复学，可以按国家有关规定转入本校其他专业学习", cites=(Cite("L3", "第三十五条"),)),
    Benefit(id="benefit.courses", title="免修课程", statuses=ENROLLED, educations=UNI,
            text="入学或复学后免修公共体育、军事技能和军事理论等课程，直接获得学分", cites=(Cite("L4", "第二十八条"),)),
    Benefit(id="benefit.grant", title="退役士兵国家助学金", statuses=ENROLLED, educations=HIGHER_ED,
            text="全日制在校退役士兵学生享受本专科生国家助学金，2023年口径为每生每年3300元", cites=(Cite("N24"),),
            status=Status.DOUBTFUL),
    Benefit(id="benefit.postgrad_exam", title="考研加分", educations=frozenset({"本科", "专科"}),
            text="退役后达到报考条件3年内参加全国硕士研究生招生考试，初试总分加10分，同等条件下优先录取；另有“退役大学生士兵”专项硕士研究生招生计划",
            cites=(Cite("N19"), Cite("N17"), Cite("N20"))),
    Benefit(id="benefit.upgrade", title="专升本", educations=frozenset({"专科"}),
            text="退役的高职（专科）毕业生可免试专升本（免文化课考试，由招生本科高校组织职业适应性或职业技能综合测试）",
            cites=(Cite("N18"), Cite("N20"))),
    Benefit(id="benefit.grassroots", title="就业", statuses=GRADUATES, educations=UNI,
            text="退役军士和义务兵的服现役经历视为基层工作经历，机关、事业单位和国有企业招录时同等条件下优先", cites=(Cite("L3", "第四十二条"),)),
    Benefit(id="benefit.allowance", title="义务兵家庭优待金",
            text="家庭享受义务兵家庭优待金，由批准入伍地县级政府发放，标准由地方制定；离石区的具体金额未找到，请咨询区人武部",
            cites=(Cite("L1", "第六十二条"), Cite("L2", "第五十条"))),
)

OTHER_PATHS = {
    "officer": Rule(id="path.officer", text="兵役法规定，现役军官也可以从普通高等学校应届毕业生中选拔、招收；具体条件本助手没有资料，请咨询区人武部",
                    cites=(Cite("L2", "第三十三条"),)),
}

POLICY_2023 = PolicyYear(
    year=2023,
    sources=SOURCES,
    age_rules=AGE_RULES,
    age_notes=AGE_NOTES,
    rounds=ROUNDS,
    windows=WINDOWS,
    registration=REGISTRATION,
    physical=PHYSICAL,
    tuition_caps=TUITION_CAPS,
    tuition_rules=TUITION_RULES,
    locations=LOCATIONS,
    location_rows=LOCATION_ROWS,
    benefits=BENEFITS,
    other_paths=OTHER_PATHS,
)
