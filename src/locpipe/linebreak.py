"""Where GNU msgcat may break a long string: Unicode line breaking (UAX #14) and character
widths, from libunistring 1.0's own tables.

Kept apart from :mod:`locpipe.pofile` as mdformat keeps its tables: the reader and writer of the
format stay readable, and the data (one byte per code point, compressed) lives here.
"""

from __future__ import annotations

import base64
import zlib
from functools import cache

# ----------------------------------------------------- line breaking (UAX #14)
#
# GNU msgcat breaks strings where libunistring 1.0's ulc_width_linebreaks()
# allows: Unicode line breaking (UAX #14, Unicode 14.0), so it breaks after
# spaces and hyphens and between CJK ideographs, never before punctuation, and
# it counts East Asian wide characters as two columns.  The two tables below are
# libunistring 1.0's own data (its line breaking classes and uc_width()), one
# byte per code point, zlib-compressed; the tests check them against the
# installed libunistring.

UNDEFINED, PROHIBITED, _POSSIBLE, _MANDATORY, _CR_BEFORE_LF = 0, 1, 2, 3, 5

# libunistring's class numbers: 0..32 index its pair table, the others are
# resolved by the algorithm (SA and XX are stored as AL in the table below).
_WJ, _AL, _ID, _HL, _RI, _ZWJ, _HY, _BA = 0, 20, 23, 28, 29, 30, 5, 3
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI = 33, 34, 35, 36, 37, 38, 39, 40
_HL_BA = 101  # a Hebrew letter followed by a hyphen or BA (rule LB21a)
_PAIR_DIRECT, _PAIR_INDIRECT = 1, 2


def fits(text: str, width: int) -> bool:
    """Whether ``text`` fits ``width`` columns whatever its characters (none is wider than 2)."""
    return (len(text) if text.isascii() else 2 * len(text)) <= width


@cache
def _tables() -> tuple[bytes, bytes, bytes]:
    classes = zlib.decompress(base64.b85decode("".join(_LINE_BREAK_CLASSES)))
    widths = zlib.decompress(base64.b85decode("".join(_CHAR_WIDTHS)))
    pairs = zlib.decompress(base64.b85decode("".join(_PAIR_TABLE)))
    return classes, widths, pairs


def possible_breaks(text: str, cjk: bool) -> list[int]:
    """UAX #14 break opportunities before each character, as libunistring computes them."""
    classes, _, pairs = _tables()
    result: list[int] = []
    append = result.append
    prohibited, possible, mandatory = PROHIBITED, _POSSIBLE, _MANDATORY
    hard, space_class, zw, ri, zwj, hl_ba = (_BK, _CR, _LF), _SP, _ZW, _RI, _ZWJ, _HL_BA
    prev = last = _BK  # class of the previous character / of the last non-space one
    seen_space = False
    regional = 0  # regional indicators just before this point (flags come in pairs)
    for char in text:
        prop = classes[ord(char)]
        if prop in hard:
            append(mandatory)
            if prev == _CR and prop == _LF:
                result[-2] = _CR_BEFORE_LF
            prev, last, seen_space = prop, _BK, False
            regional = 0
            continue
        if prop == _AI:
            prop = _ID if cjk else _AL
        elif prop == _CB:
            prop = _ID
        if prop == space_class:
            append(prohibited)
            seen_space = True
        elif prop == zw:
            append(prohibited)
            last, seen_space = zw, False
        elif prop in (_CM, zwj):
            # A combining mark belongs to the character before it (LB9, LB10).
            if last in (_BK, zw) or seen_space:
                append(prohibited if last == _BK else possible)
                last, seen_space = _AL, False
            else:
                append(prohibited)
        else:
            # The pair table, and the rules it cannot say (libunistring's order).
            if last == _BK:
                append(prohibited)
            elif last == zw:
                append(possible)
            elif prev in (zwj, hl_ba):
                append(prohibited)
            elif last == ri and prop == ri:
                append(possible if seen_space or regional % 2 == 0 else prohibited)
            else:
                kind = pairs[last * 33 + prop]
                direct = kind == _PAIR_DIRECT or (kind == _PAIR_INDIRECT and seen_space)
                append(possible if direct else prohibited)
            last, seen_space = prop, False
        prev = hl_ba if prev == _HL and (prop in (_HY, _BA)) else prop
        regional = regional + 1 if prop == ri else 0
    return result


def char_width(char: str, cjk: bool) -> int:
    code = ord(char)
    width = _tables()[1][code] - 1
    if cjk and width == 1 and 0xA1 <= code < 0xFF61 and code != 0x20A9:
        return 2
    return width


def fit_breaks(
    text: str,
    width: int,
    start: int,
    overrides: list[int],
    cjk: bool,
    marks: list[int] | None = None,
) -> list[bool]:
    """Where to break ``text`` so lines fit ``width`` columns (u8_width_linebreaks).

    ``marks``: :func:`possible_breaks` of ``text``, if already known; None to compute them
    (nothing is computed when the text fits whatever its breaks).
    """
    if marks is None:
        if fits(text, width - start):
            return [False] * len(text)
        marks = possible_breaks(text, cjk)
    widths = _tables()[1]
    result = [False] * len(text)
    last_break: int | None = None  # the latest opportunity, taken only when needed
    column, piece = start, 0
    possible = _POSSIBLE
    for index, char in enumerate(text):
        mark = overrides[index] or marks[index]  # an override, where one is defined
        if mark >= possible:  # _POSSIBLE, _MANDATORY or _CR_BEFORE_LF: a piece ends here
            if last_break is not None and column + piece > width:
                result[last_break] = True
                column = 0
            if mark != possible:
                last_break, column, piece = None, 0, 0
                continue
            last_break, column, piece = index, column + piece, 0
        if cjk:
            piece += max(char_width(char, cjk), 0)
        else:
            own_width = widths[ord(char)] - 1
            if own_width > 0:
                piece += own_width
    if last_break is not None and column + piece > width:
        result[last_break] = True
    return result


# fmt: off
_LINE_BREAK_CLASSES = (
    "c-rmViJGF=8354KV4RQEs%i}hH8Y)<PDsN0KVeuE5L6VGD$l8Q{Smk;7qlTsD#5>h{`^<6=fB}wv|dGT%U`4Q`=8(c@_"
    "p<5J&K|*8n#^j8Xd9>=25wjpUI$?<!ZfNM`;?RZ&46Mt96>rvX_~+?6w@3cN!gbEY9bW&a%odOLqmESCH(*?AQmBX}z>"
    "wlv)$Cm;SEgwngydx$qw3_v>*LGDx!Nvwz_>_kIkk!~M%&tyX!D-k5oqgkd<o9NTu=i`Dn<`9wF!%5Ybuc8^i{WVb#;s"
    "W`j8xPBAqS<2D$^vtBFZh6Tj*_L&1(#G`LSL0TBiWFa1{aWdmw&40_z2BQ<tu#1LN*Cl)(yZt0IklGGt|hBg+1|6hCQ7"
    "DQe!Y<LY46;2%io)3iu7-5Xn#4i(!Xxkm#gG|r~D7M(&W-s(x{6=GwoUax;=->(%)Hrl0-++KWipocKhYGd%ANoe`xs!"
    "+h4uCou;4c)T4TRI{jyJ`IBy_*26752<|bA8nHdBYGNk4dzsCGmoWEI?9}$<TrDUvcsXCr&&bQ}0Is^<+svOb{EO;5P8"
    "!Jx%I5U)a^w7-ro2a&--Uj=vfn52$CcRqyza0)3LbkE1Es`c*1zR^;zgadg*rAO%(vIU;bGyiVdJ&)G+1Q$8mv#-o`zw"
    "N4H?4Xpvg;e>+SE!S#qc2gWcl<ea8*L@GiM_&GFN%j>zuSw`1!+^`V?|K6PlRt?_Ws>T>oc&!R~(=78h5<$GBs4P<nlx"
    "?pVib$hC747mntMzZZnzRdRxmwsVo1oFgYRU;09m+bbR<R974CVTcvnnrJL%eVZNJ&nG7`xg8xzoUOyRk8`v#iE?e`*O"
    "ahpVy<hqU+0Uf9llI{8hRe;icslwZkL6b!oM3SygwdZeV>zg<lmbwA#K-TZgrFYj^T*2C9z~-$thmWvuzC`Jwu=1M!ok"
    "qki0wmTQ|<U!7+!^Iu!ktDlzd*U6~nyh}@a_0yhgN_VqK+n;Dpv6mO=e%|!1{y5);cQ)$ESI;tzTNAv_zeJOd<4(G+EP"
    "ZT~uHVV&J&-?9)Sh6siu>)Q`7CWT*!>b1ZZAcBs9S$Ew>VDIIFD=&)Rn3p9qVn%^^elHc(ONfd{R$(s4~~`WELx(7SD?"
    "`<PUM3vbfB~a^gH~)$=kT*&CVZs(p5QD`b0zan--<{!XqQr#X70WVd94o`=(}8WR=NDYH-;uDQ{Z4Uf6ITpzT{cTmEcf"
    "Bg~M_^9Tw-J!RZYHu*xb6W=a1}wkT9a8>&7!`YU#hicnrQF3^?mkq8!f^YM)5fFy4umdr+VVfM)AGBhkMnsPFXH%hUjO"
    "Z$FJALtt*kHQ)8c-y$mg+$>%Sq3BP-kZbp5c%EAAqbFXS5YFYmL*v6bM;6(+iNZCG?nwLbOOH3k3x00000&NjvGK>+{&"
    "000000000000000000000JyP*EC6oo{PWSCdo|v`C6Sxiv41_}?^}~yj<|76;^UJ~e?8==yjU@fOHe0=u0_2qspbT$3z"
    "j&Wh2bS7ynhwzU3>1<*Wqci^~l1f)$jVVgY{-$2~qUhA$5beB>8p1gVWmU+3h(QOk&b3%hvoKtDWsiFiD=Of!CFHuY59"
    "p{o61xF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF|qNn=8t)Q@0W-E7|Z{C0000000000z5*v*e"
    "fm?*4*QY(*ouBMMb&-uqx!cE@I>az&%E~eIb6GEM}42q-`~UVb^fiKrW-FB&Fj4Vm%mfBr+GY&7K<>9>qyni;`J(iz%2"
    "Mv6vp|g6$!}Jy?GM+{4Dt4fv)4VHF<yhb)IFye38wpHtt0Hi&M{--TRoA@j824ulG})mF53ZE%>QV1)WIZo!08q(>{-`"
    "oL{XrPkjD);0Bvj>G&)g$l`(=+pW@=kM(U{gUW-Yv9o^PCK))oj>wY?lN;^Ac;t@75Ik}XIq{N42W!`Ty8jDPeDK0J-B"
    "y#duf8%m@$H<>d*E@O@3}tE_~bU`Qfvdpr6I{LJaj?+?_Y^0TZN#yvQ{H~v#AembP7CA_@j@+_O4mfcYUbyM-|&Sm$#("
    "vutOE97L?q#xldmanzb;i5zUryjiWC~a_EX)Uw-@CsBo285ENHa3)(uv-s|Omr;F+4|Ey`kMc=Euo6CE);s1eV_pqj}A"
    "63%pCK%;UoAu!C{ZF@t$c6#QX@xp=2}SQy^gGQ(oLxcoJC-2tJ?vsXVi&M`(m4uptp3l!bGGoUi^kr4hp8ILH3xtbY>&"
    "1bOX7IL%?{^$ZL7>R_NoBRIgH~=6952!FJ-x0&gb(}rpzZ=&X@CN%b@wEOz}(U>52;g007`II4lDI000000000?r+xmi"
    "=}-MK_WWq&sRhqpUgPA1TfqhE1MK;%=ZH!MPG5OcqkEZjh4M=dzO?$UcH9+U0RR910O0Fz{2zAhfajzl0000000000@R"
    "|7q*t9<pTPzlR?=9rF-~Isra72;>lb;X`0001hr!w{|{fAHA4?~q~u(EC6KR%NOO`H-2xU=u0$umQfGcQ+l_C>Cu&VV7"
    "wulKco#jo-s2HF7E?Ej+!d!=<$W<~qE>PAvG&HanZu2WuXc?$3~x6ij;W_$axTq+Tm#;Upj(-`yrr9U#a_<z|S4SS*P8"
    "%JIrTSD5DMbd+!C_P)5+36)(IWxxJ2X(Uh<Lvsd{rpGI{5~GmL!5|UGjx7}_+X&C-)uI;9E!&={+XL#<;!K)2Bz6lCp&"
    "+-``D(N7g6!I&7>%v_!Jrg-Qa;v^75XvOzmd4DvT}3k=J$`-}4_$(55cr)3!QqZ*SE(QO;={&04k@n6S5Tci+lh-(#EG"
    "?0>GdQSa&Bir1a~ue)BCrm6eR`JeBfYU*uCbMBi)6>4{9o1UKRj2`!BkAHdxvf1>^qv}hKbjDXd2hQ;JwR-*0d2AHwu>"
    "nU<6VKAwx4ic2I$mYWb=%(q>waJL0X!+^qXPf{000000000000000000000000000000000000000000000000000000"
    "000000000000000000000AQwgQ000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000001hIF0}S0000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000008W=2318XWlmBE?cmMz"
    "Z0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000007{a{{zZW1z!"
)
_CHAR_WIDTHS = (  # uc_width() + 1, so that -1 (control) fits a byte
    "c-rmViFTqe6adh^@c;ij9jk!I5=dCodr!|y-N-`n5-5`RnV0tU^Rp)XNKjQAOpQ<N0u`~oLH<U>`1>hKZZ!F|8_jC(ac"
    "CvB#k>Ey{K2IRp3}9fr1H9nn0ssQ{q3W5scp;TU=Qve$+uSLU-k935@XS9A%T(|+U}~kZOx@0i`mOa|MBl%Mj~VXM#`?"
    "9tnx?d>OZ^u+k)J%_D1VJ))cTTZbadxq96y+cJg?RuWQO5mC8Pu(tP?Q&9A)w)f^C`7kGCZi(+)bcHHzf#s;$2c})3;y"
    "Ab*}cbdTjt{1-2%L}<9*Flr#{*)@_$BwphjBaCM42t6?i_OmB;v8`8+h0@yd{U>4oFkllW}Mv?2GKjlPZ7l0f}a$xa*~"
    "ZxTf=Lmes*lX&F)Gj>Ae$_!=r<KLyZmlqv~{K%ZJ)o`?`iXn#twV`zJ6<_Q%r!d(ojwjTp9Pe;ql(dOAN8>B=Rj+8@mS"
    "sWkp?kFSxAYi}AnwayI9J$%FB+)B{geqg#yZ)xiNbDnEHw)k8#ldJnv-7C%HM!RQ!-`%9=p3p3py2&cceM3!QADgMeW_"
    "`ARYSA$xpy`!YK0R=${G5F}bcJat@8ExHd3iGJn4BtqBl<G{000000F?9hcK`qY000000000000000000000053)iQ}u"
    "UzZ@xl_2K&K6JKoo=Zh>s9rJ5Z-zzOH+o;y8f4yb>?Zx&wxuW(`u-dQ$cig*Cep`-8J@=95bHcGTnb_1?`$hjBOt!R>_"
    "_{7W)x*sg0000000000005w_`Rm!+i_T*$-+cf800000002ILt4my4GtDJ3e74~=VZ;8h^m^U?c6{+q4lqZJZ=*Y2>;L"
    "x7uZSl`UF{EmQ-`ANZu<Fy(&IZPZ&F74nWEX6TF{FZ=JOlBRCjXgisBNlD!^d%nC%r7Ba52ErgG#Tu+{nEWRy4Rk$S(^"
    "$^o;5)J_<#Km12pSiGrVXGUb#K$nA0Ir8r+HD(rJiv5zlcmDXg$z9igmI}X9&GdHtp_LzxmCx3#`c)k5+Q@GT)*E<KM;"
    "n8#86h$c(EIE9t%|=-6W17fwO~f6d0jgIr2Xz7GIg(#UduSMadb1e)EyDjivf>KYiZwj9svLV007`TZXON*000000000"
    "00002M9!kHv=G$+;RCuTmo~mZ(wua-=<JZ>#00000fY0FkKk(VnE${E6D?b7N000000001|xn1h=xa6h#l^Pcl{nhVyo"
    "%ep{4R<U60Q-wbZng*j002OVSY`74Dw2g}HreDd7nQkcGt>G3;IrqyPxIYvpSpc=kcXM9B@=CcJ>!3xKGpHK3P<Se*B7"
    "VMe(}CjhXBTBa{>UqS)(Y|$^OA#Pj?r96*md!o~*R(6-nmhboul5PExCO-uezA#ntfAl~Vq_CYrfUc|=gV#62}?rh0GJ"
    "-A!1Y^V2@~rW=5~1PIfeT5T~kwa0@mxCc%<2KE2%Wn(F`!>kWW@e&ip*Spl%0b?Ej000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000Ki=W000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000077p3oq~N^x}UR4ITgh000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000013@(*&u!eI"
)
_PAIR_TABLE = (  # 33 x 33: 1 direct break, 2 indirect (after spaces), 3 prohibited
    "c-p0r3ktv>3`0qJ|2t3Xm#r+F3kVgTv8Ki<D{4hwOQr!MI)G9DsB5Y01R$TdIq>N)0rMyPP7E{$x{IqGJpk!|mmW@m|J"
    "stQSp>t%CrPTH`e6bXg6M&tduYQN4rCnl1Rw#V0EU2<R1POi=5k0*(;En9k^APZ3p<Jj-2"
)
# fmt: on
