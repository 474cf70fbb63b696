"""Chinese text for the mediation aids: segmentation into index terms, and de-identification.

jieba ships its dictionary inside the package; nothing is downloaded. The first call in a process builds
jieba's prefix dictionary (about a second, then cached in the temp folder), so it is loaded lazily.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable

_lock = threading.Lock()
_ready = False

# Words every case uses: they say nothing about which dispute it is.
STOPWORDS = frozenset(
    """
    反映 双方 多次 要求 发生 导致 经过 进行 表示 认为 一个 没有 我们 他们 她们 因为 所以 如果 但是 已经 现在 目前 问题
    情况 事情 当事人 申请人 被申请人 中心 村委会 村委 本村 村里 村民 某某 某村 之间 其中 以及 并且 或者 还是 这个 那个
    自己 对方 今后 同时 随后 之后 以后 以前 之前 期间 时候 有关 相关 对此 为此 通过 根据 按照 关于 由于 称其 其家
    一直 仍然 还有 不能 不会 可以 能够 应当 应该 需要 希望 请求 帮助 工作人员 人员 工作 处理 解决 协调 沟通 了解 核实
    当场 当天 次日 近日 日前 此前 此事 该户 该村 一起 一次 两次 三次 多年 今年 去年 今天 明天 目前为止 元钱
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_TOKEN = re.compile(r"^[\u4e00-\u9fff]{2,}$|^[a-z][a-z0-9]{2,}$")
_NUMERAL = re.compile(r"^[零一二三四五六七八九十百千万亿两几余多元块年月日号个]+$")


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def terms(text: str) -> Counter[str]:
    """The index terms of a text and how often each occurs: words and their sub-words, no stopwords."""
    jieba = _jieba()
    counts: Counter[str] = Counter()
    for token in jieba.cut_for_search(text.lower()):
        if len(token) <= 12 and _TOKEN.match(token) and not _NUMERAL.match(token) and token not in STOPWORDS:
            counts[token] += 1
    return counts


# --- de-identification -------------------------------------------------------------------------------

PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
# House numbers and the like: 幸福路12号、3号楼2单元501室、东街8号院、5组12号.
ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{0,8}(?:路|街|巷|胡同|道|里|村|组|队|区|小区|社区|庄|屯|营)"
    r"[0-9０-９一二三四五六七八九十百]+(?:号院|号楼|号|栋|幢)"
    r"(?:[0-9０-９]+(?:号楼|单元|层|室|号))*"
    r"|[0-9０-９]+(?:号楼|栋|幢)[0-9０-９]+单元(?:[0-9０-９]+(?:层|室|号))*"
)
MASK_NAME = "某某"


# The commonest Chinese family names (about 85 % of the population).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易"
    "乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙"
)


def _person_names(text: str) -> set[str]:
    """Names of people a case does not list (a mediator, a relative), as jieba's tagger and dictionary see them:
    a word tagged as a person's name that the dictionary knows rarely or not at all (so 杨树 and 张家口 stay),
    and a family name followed by a rare word (马 + 桂兰), which is how the tagger splits many given names."""
    import jieba.posseg as posseg

    freq = _jieba().dt.FREQ
    pairs = list(posseg.cut(text))
    found = set()
    for index, pair in enumerate(pairs):
        word, flag = pair.word, pair.flag
        if 2 <= len(word) <= 4 and flag.startswith("nr") and (freq.get(word) or 0) <= RARE:
            found.add(word)
        following = pairs[index + 1] if index + 1 < len(pairs) else None
        if (
            len(word) == 1 and word in SURNAMES and following is not None and 1 <= len(following.word) <= 2
            and following.flag in NAME_LIKE_FLAGS and (freq.get(following.word) or 0) <= RARE
        ):
            found.add(word + following.word)
    return found


RARE = 60
NAME_LIKE_FLAGS = {"nr", "nrt", "nrfg", "ns", "nz", "x"} - {"x"}


def deidentify(
    text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = (), places: Iterable[str] = (),
    tagger: bool = True,
) -> str:
    """The text with names, phones, ID numbers and addresses replaced, for readers outside the case's scope.

    `names` and `addresses` are the parties' as the case lists them; `places` are place names to hide (the
    village). Patterns catch phones, ID numbers and house numbers; jieba's tagger catches the names of people
    the case does not list (a mediator, a relative).
    """
    if not text:
        return ""
    for literal in _longest_first(addresses, minimum=4):
        text = text.replace(literal, "[住址]")
    text = ID_NUMBER.sub("[身份证号]", text)
    text = PHONE.sub("[电话]", text)
    text = LANDLINE.sub("[电话]", text)
    text = ADDRESS.sub("[住址]", text)
    for literal in _longest_first(places, minimum=2):
        text = text.replace(literal, "本村" if literal.endswith("村") else "本地")
    replacements: dict[str, str] = {}
    for name in _longest_first(names, minimum=2):
        replacements[name] = name[0] + "某"
        if len(name) >= 3:
            replacements.setdefault(name[1:], MASK_NAME)  # the given name alone: 建国 for 王建国
    for name in sorted(replacements, key=len, reverse=True):
        text = text.replace(name, replacements[name])
    if tagger:
        for name in sorted(_person_names(text) - {MASK_NAME}, key=len, reverse=True):
            if "某" not in name:
                text = text.replace(name, MASK_NAME)
    return text


def _longest_first(values: Iterable[str], *, minimum: int) -> list[str]:
    return sorted({v.strip() for v in values if v and len(v.strip()) >= minimum}, key=len, reverse=True)
