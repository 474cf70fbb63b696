"""Seeded generators of Chinese names, so two runs on empty databases give the same people."""

import random

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "秀英桂兰玉凤建华国强志明永红海军春梅丽娟立新淑珍德明文杰金山凤霞建国淑英宝山福海振华玉珍春生保国树林长江秋菊晓东红梅俊峰海燕"


def person_name(rng: random.Random) -> str:
    given_length = rng.choice([1, 2, 2, 2])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_length))


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "136", "150", "151", "186", "188", "133", "177"]) + f"{rng.randrange(10**8):08d}"
