"""Synthetic identities, vectorised: Chinese names (surname frequency list + given-name characters), resident
identity numbers in the GB 11643-1999 format (region, birth date, sequence with the sex digit, ISO 7064
MOD 11-2 check character), unique mobile numbers, and place-name words for streets, communities, units and
venues. Nothing here is a real person's data."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from lianfang.people.rules import id_check_character
from lianfang.sim._arrays import Rng, U, codepoints_of, digit_codepoints, strings_from_codepoints

# Most common surnames with approximate shares of the population (Ministry of Public Security 2020 list,
# rounded); the tail is spread over the remaining characters.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_TOP_SHARES = (7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 1.9, 1.9, 1.5, 1.5, 1.4, 1.3, 1.2, 1.1, 1.1, 1.0, 1.0)
MALE_GIVEN = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆峰建国志东文博晨阳子轩然宏亮龙成海立新"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀玲桂英梅琳雪婷颖慧佳欣悦涵怡雨萱思琪诗瑶晶倩婉妍璐月兰红燕露丹蕾"
NEUTRAL_GIVEN = "文华明玉春晓安心嘉一雅子宁清景天永云嘉乐"

_PLACE_TEXT = (
    "和平 光明 建国 朝阳 东风 新华 团结 胜利 幸福 友谊 前进 红星 长安 永定 广安 天坛 安定 安贞 和义 德胜 "
    "月坛 金融 展览 椿树 陶然 牛街 白纸 广内 广外 东华 景山 交道 北新 东直 建外 呼家 三里 左家 八里 双井 "
    "劲松 潘家 南磨 十八 高碑 太阳 望京 酒仙 来广 东坝 常营 金盏 孙河 崔各 平房 豆各 管庄 黑庄 小红 王四 "
    "卢沟 长辛 云岗 花乡 南苑 和义 东铁 大红 右安 西罗 马家 新村 方庄 看丹 宛平 石门 八角 古城 苹果 金顶 "
    "五里 老山 鲁谷 广宁 万寿 羊坊 曙光 学院 中关 海淀 清河 西三 上地 马连 紫竹 青龙 花园 香山 四季 温泉 "
    "苏家 西北 东升 田村 青塔 永乐 龙泉 潭柘 妙峰 雁翅 斋堂 清水 城关 良乡 长阳 窦店 琉璃 阎村 拱辰 周口 "
    "新城 梨园 永顺 玉桥 宋庄 马驹 漷县 台湖 西集 仁和 胜利 石园 光明 空港 后沙 牛栏 李桥 南法 杨镇 回龙 "
    "天通 沙河 百善 北七 小汤 南口 阳坊 兴丰 林校 清源 观音 高米 亦庄 旧宫 瀛海 黄村 西红 礼贤 榆垡 龙湖 "
    "雁栖 桥梓 渤海 汤河 宝山 滨河 兴谷 峪口 马坊 金海 夏各 鼓楼 果园 溪翁 穆家 古北 百泉 香水 八达 旧县"
)
PLACE_WORDS = tuple(dict.fromkeys(_PLACE_TEXT.split()))

_BRAND_TEXT = (
    "华联 物美 京客 永辉 家乐 超发 便民 美廉 宏达 鑫源 恒通 福瑞 金鼎 瑞丰 嘉和 泰康 康泰 同仁 益民 惠民 "
    "德顺 庆丰 全聚 东来 聚德 仁和 顺兴 盛世 万达 华润 首创 京能 中建 北辰 远洋 金隅 京东 方正 联想 百度"
)
BRANDS = tuple(_BRAND_TEXT.split())

REGION_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643-1999, ISO 7064 MOD 11-2
CHECK_CHARACTERS = "10X98765432"

# Mobile number prefixes in use (all start 13–19).
PHONE_PREFIXES = (
    *range(130, 140), 145, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 170, 171, 173, 175, 176,
    177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199,
)  # fmt: skip


def surname_weights() -> npt.NDArray[np.float64]:
    n = len(SURNAMES)
    top = np.array(_TOP_SHARES, dtype=np.float64)
    rest_total = 100.0 * 0.86 - top.sum()  # the listed surnames cover ~86 % of people
    tail = (
        rest_total
        * (1.0 / np.arange(1, n - top.shape[0] + 1))
        / np.sum(1.0 / np.arange(1, n - top.shape[0] + 1))
    )
    weights = np.concatenate([top, tail])
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def person_names(rng: Rng, male: npt.NDArray[np.bool_]) -> U:
    """Surname + one or two given-name characters (two in ~75 % of names), by sex."""
    n = male.shape[0]
    surname = codepoints_of(SURNAMES)[rng.choice(len(SURNAMES), size=n, p=surname_weights())]
    male_chars = codepoints_of(MALE_GIVEN + NEUTRAL_GIVEN)
    female_chars = codepoints_of(FEMALE_GIVEN + NEUTRAL_GIVEN)
    u1, u2 = rng.random(n), rng.random(n)
    first = np.where(
        male,
        male_chars[(u1 * male_chars.shape[0]).astype(np.int64)],
        female_chars[(u1 * female_chars.shape[0]).astype(np.int64)],
    )
    second = np.where(
        male,
        male_chars[(u2 * male_chars.shape[0]).astype(np.int64)],
        female_chars[(u2 * female_chars.shape[0]).astype(np.int64)],
    )
    second = np.where(rng.random(n) < 0.75, second, 0)
    codes = np.stack([surname, first, second], axis=1).astype(np.uint32)
    return strings_from_codepoints(codes)


def check_characters(first17: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """Check character code points for rows of 17 digit code points (vectorised ISO 7064 MOD 11-2)."""
    total = np.zeros(first17.shape[0], dtype=np.int64)
    for k, weight in enumerate(REGION_WEIGHTS):
        total += (first17[:, k].astype(np.int64) - ord("0")) * weight
    return codepoints_of(CHECK_CHARACTERS)[total % 11]


def id_numbers(
    region: npt.NDArray[np.integer[Any]],
    birth: npt.NDArray[np.datetime64],
    male: npt.NDArray[np.bool_],
    rng: Rng,
) -> U:
    """Unique 18-character resident identity numbers. Sequence numbers run consecutively (from a random
    start) inside each (region, birth date, sex) group; the last sequence digit is odd for men."""
    n = region.shape[0]
    day = birth.astype("datetime64[D]").astype(np.int64)
    key = (region.astype(np.int64) * 100_000 + (day + 40_000)) * 2 + male.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = sorted_key[1:] != sorted_key[:-1]
    group = np.cumsum(new_group) - 1
    group_first = np.flatnonzero(new_group)
    rank = np.arange(n) - group_first[group]
    if n and int(rank.max()) >= 500:
        msg = "more than 500 people share a district, birth date and sex; ID sequence numbers would repeat"
        raise ValueError(msg)
    offset = rng.integers(0, 500, size=group_first.shape[0])[group]
    seq_sorted = ((offset + rank) % 500) * 2 + male[order].astype(np.int64)
    seq = np.empty(n, dtype=np.int64)
    seq[order] = seq_sorted
    days = birth.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day_of_month = (days - months).astype(np.int64) + 1
    date_number = year * 10_000 + month * 100 + day_of_month
    codes = np.empty((n, 18), dtype=np.uint32)
    digit_codepoints(region, 6, codes[:, 0:6])
    digit_codepoints(date_number, 8, codes[:, 6:14])
    digit_codepoints(seq, 3, codes[:, 14:17])
    codes[:, 17] = check_characters(codes[:, :17])
    result = strings_from_codepoints(codes)
    # Cross-check the vectorised check characters against the identity module on a sample.
    for value in result[: min(n, 32)]:
        if id_check_character(str(value)[:17]) != str(value)[17]:  # pragma: no cover - a broken invariant
            msg = f"check character mismatch for {value}"
            raise AssertionError(msg)
    return result


def phone_numbers(rng: Rng, n: int) -> U:
    """Unique 11-digit mobile numbers: a real prefix (13x–19x) and eight random digits."""
    prefixes = np.array(PHONE_PREFIXES, dtype=np.int64)
    numbers = prefixes[rng.integers(0, prefixes.shape[0], size=n)] * 100_000_000 + rng.integers(
        0, 100_000_000, size=n
    )
    while True:
        _, first_index = np.unique(numbers, return_index=True)
        duplicate = np.ones(n, dtype=bool)
        duplicate[first_index] = False
        k = int(duplicate.sum())
        if k == 0:
            break
        numbers[duplicate] = prefixes[
            rng.integers(0, prefixes.shape[0], size=k)
        ] * 100_000_000 + rng.integers(0, 100_000_000, size=k)
    return strings_from_codepoints(digit_codepoints(numbers, 11))


def unique_place_names(rng: Rng, n: int, suffix: str, taken: set[str] | None = None) -> list[str]:
    """n distinct names `word + suffix`; words repeat with 东/西/南/北/中 and then numbers when exhausted."""
    used = set() if taken is None else taken
    words = list(PLACE_WORDS)
    order = rng.permutation(len(words))
    out: list[str] = []
    variants = ("", "东", "西", "南", "北", "中")
    round_no = 0
    while len(out) < n:
        for i in order:
            base = words[int(i)]
            name = (
                f"{base}{variants[round_no]}{suffix}"
                if round_no < len(variants)
                else f"{base}{round_no}{suffix}"
            )
            if name not in used:
                used.add(name)
                out.append(name)
                if len(out) == n:
                    break
        round_no += 1
    return out
