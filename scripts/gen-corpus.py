#!/usr/bin/env python3
"""Generate a deterministic synthetic corpus of chat logs for scripts/bench.

    scripts/gen-corpus.py --out DIR --mb N [--seed S] [--days D] [--start YYYY-MM-DD] [--profile long|short]

Profiles: `long` (the default) mixes snowflake and UUID ids, microsecond times, devices, replies, attachments
and a legacy producer's key order, about 330 bytes a line. `short` is real chat as most stores hold it, about
250 bytes a line: UUID id, conversation and sender, an RFC 3339 second, a type and a body of a few words.

Writes DIR/YYYY-MM-DD.jsonl, one file per delivery day, about N MB (10^6 bytes) in all, and
DIR/corpus.json with what was generated, so a benchmark can check a tool's output against it:

  lines                  every line written (torn ones included)
  valid_lines            lines that are complete JSON records
  distinct_ids           distinct ids among valid lines = records an id-dedup archive keeps
  redeliveries           extra copies of a record (same id, same bytes), in the same or a later file
  echoes                 re-sends: same conversation, sender and body, a new id, 0.05-1.9 s later
  distinct_content       distinct_ids - echoes = records a content-dedup archive with a 2 s window keeps
  torn                   lines cut short (never valid JSON; their ids appear nowhere else)

The same --mb, --seed, --days and --start always give the same bytes. Messages in one conversation are
at least 4.5 s apart, so the only records a 2-second content window can fold are the echoes.
"""

import argparse
import array
import bisect
import datetime as dt
import json
import os
import random
import sys
import time

# --- vocabulary -------------------------------------------------------------------------------------------
# Common words by language, most frequent first; a Zipf law over the list (plus a synthetic long tail for the
# languages written with spaces) gives chat-like token frequencies. Tokens are already JSON-escaped.

EN = """i you the to a it and is that of in me my not for this be so just do no have what on but are
with lol ok yeah was it's can we know like at don't get if i'm your all how will up out about now too
good one think going there see they want go when he time u that's love back would really then oh yes
here did she well lmao got more some need who why him from come her okay sure thanks right day today
tomorrow tonight work home guys haha omg wait sorry please call later maybe meeting send check pic
photo link thx np btw idk tbh gonna wanna gotta pls ty ily hey hi hello morning night sleep food lunch
dinner coffee beer weekend monday friday train bus car late early soon already still again never
always everyone nobody something nothing anything great nice cool awesome bad sad happy tired busy
free ready done new old big little long last first next other same different""".split()

ES = """de que no a la el y es en lo un por qué me una te los se con para mi está si bien pero yo eso las sí
su tu aquí del al como le más esto ya todo esta vamos muy hay ahora algo estoy tengo nada cuando
ella bueno jaja jajaja gracias hola vale porque mañana hoy noche casa trabajo amigo amiga claro oye
dónde cuándo quiero puedes tiempo verdad entonces luego después siempre nunca también mucho poco
comer cena café cerveza fin semana lunes viernes llamo llamas mira foto enlace perdón tranquilo""".split()

DE = """ich die und du der nicht das ist zu ein es sie mit den sich auf mir was dich ja wir mich so auch
aber hast bin ein eine hier noch nur wie mal schon jetzt dann kann gut danke bitte hallo tschüss
morgen heute abend haus arbeit freund genau okay klar doch warum wann wo gerne später gleich
immer nie viel wenig essen kaffee bier wochenende montag freitag zug bus auto spät früh müde
schön super toll schade sorry kommst komme gehen geht foto link termin treffen""".split()

RU = """и в не на я что он с как это а то все она так его но да ты к у же вы за бы по только ее мне было
вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
привет пока спасибо пожалуйста хорошо ладно давай завтра сегодня вечером дома работа друг конечно
почему где когда потом всегда никогда много мало поесть кофе пиво выходные понедельник пятница
поезд автобус машина поздно рано устал отлично круто жаль извини фото ссылка встреча ок""".split()

JA = """はい いいえ ありがとう ありがとうございます すみません おはよう こんにちは こんばんは おやすみ
了解 了解です 大丈夫 ちょっと 今日 明日 昨日 今 後で 会議 仕事 家 駅 電車 遅れます 着きました
お疲れ様です よろしく お願いします 笑 www 本当 すごい かわいい 楽しい 眠い 疲れた ご飯 ランチ
コーヒー ビール 週末 月曜日 金曜日 写真 リンク 送ります 見て 行く 来る 待って 何 どこ いつ
なんで そう ね よ か です ます でした ました ない たい から けど""".split()

ZH = """我 你 的 了 是 不 在 有 好 这 他 们 就 吗 吧 呢 啊 也 都 说 去 来 没 要 会 可以 什么 怎么 为什么
哪里 时候 今天 明天 昨天 现在 等 一下 晚上 早上 中午 吃饭 咖啡 啤酒 周末 星期一 星期五 上班 下班
回家 地铁 公交 开会 工作 朋友 谢谢 不客气 对不起 没关系 好的 收到 哈哈 哈哈哈 嗯 哦 行 可能
已经 还 再 很 太 真的 图片 链接 发 看看 知道 觉得 喜欢 累 忙 快 慢""".split()

AR = """و في من على أن إلى ما لا هذا هذه كان مع هو هي أنا أنت نحن هم كل بعد قبل عند لم لن قد
مرحبا شكرا من فضلك نعم لا حسنا تمام إن شاء الله الحمد لله يلا اليوم غدا أمس الآن لاحقا بيت عمل
صديق طيب ليش وين متى كيف ليه أكل قهوة نهاية الأسبوع الاثنين الجمعة صورة رابط اجتماع تعبان
مشغول جميل رائع آسف حبيبي حبيبتي ههههه""".split()

EMOJI = """😂 ❤️ 🤣 👍 😭 🙏 😘 🥰 😍 😊 🎉 😁 💕 🥺 😅 🔥 ☺️ 🤦 ♥️ 🤷 🙄 😆 🤗 😉 🎂 🤔 👏 🙂 😳 🥳
😎 👌 💜 😔 💪 ✨ 💖 👀 😋 😏 😢 👉 💗 😩 💯 🌹 💞 🎈 💙 😃 😡 💐 😜 🙈 ✌️ 😄 🤩 😱 🇪🇸 🇩🇪 🇷🇺
🇯🇵 🇨🇳 🇸🇦 🇺🇸 👨‍👩‍👧 🏳️‍🌈 🫠""".split()

# Punctuation and chat furniture mixed into every language (JSON-escaped where needed).
EXTRA = ["?", "!", "...", "??", "!!", ":)", ":(", ":D", "xD", "\\\"", "\\\"ok\\\"", "\\n", "\\n\\n", "-", "/",
         "&", "<3", "#", "+1", "\\\\", "\\t"]

LANGS = {  # name: (words, weight among conversations, joiner)
    "en": (EN, 0.42, " "),
    "es": (ES, 0.14, " "),
    "de": (DE, 0.10, " "),
    "ru": (RU, 0.12, " "),
    "ja": (JA, 0.08, ""),
    "zh": (ZH, 0.07, ""),
    "ar": (AR, 0.07, " "),
}

LATIN_SYLLABLES = {
    "en": "ba be bi bo bu ca co da de di do fa fe fi fo ga go ha he hi ho la le li lo ma me mi mo na ne ni no "
          "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa we wi ya yo ing er ed ly st th ch sh",
    "es": "ba be bi bo ca ce ci co cu da de di do fa fe fi la le li lo ma me mi mo na ne ni no pa pe pi po "
          "ra re ri ro sa se si so ta te ti to ción mente ado ido ar er ir ña ño ll",
    "de": "ba be bi bo da de di do ga ge gi ha he hi ka ke ki la le li ma me mi na ne ni ra re ri sa se si "
          "ta te ti wa we wi ung keit lich isch sch ch ei au eu ä ö ü ß er en",
    "ru": "ба бе би бо ва ве ви во да де ди до за ка ке ки ко ла ле ли ло ма ме ми мо на не ни но ра ре ри "
          "ро са се си со та те ти то ный ная ать ить ость ство ся ие щ ж ш",
    "ar": "با بي بو تا تي سا سي لا لي لو ما مي مو نا ني ها هي وا وي يا ين ون ات ية ال",
}

DEVICES = ["ios-17.4.1", "ios-16.7", "android-14", "android-13", "android-12", "web-chrome-124", "web-firefox-125",
           "web-safari-17", "desktop-mac-2.31.0", "desktop-win-2.31.0", "desktop-linux-2.30.4", "bot-relay-1.2"]
DEVICE_WEIGHTS = [22, 8, 20, 10, 5, 12, 3, 4, 6, 6, 2, 2]
MSG_TYPES = ["text"] * 46 + ["reply"] * 3 + ["forward"]


def zipf_cum(n, s=1.07):
    cum, total = [], 0.0
    for r in range(1, n + 1):
        total += 1.0 / (r ** s)
        cum.append(total)
    return cum


class TokenSource:
    """Tokens of one language, drawn in bulk (random.choices is fast per call, slow per token)."""

    def __init__(self, rng, lang, tape_len):
        words, _, self.joiner = LANGS[lang]
        vocab = list(words)
        syl = LATIN_SYLLABLES.get(lang)
        if syl:  # a long tail of made-up words: names, typos, rare words
            parts = syl.split()
            seen = set(vocab)
            while len(vocab) < len(words) + 4000:
                w = "".join(rng.choice(parts) for _ in range(rng.randint(2, 4)))
                if w not in seen:
                    seen.add(w)
                    vocab.append(w)
        elif lang in ("ja", "zh"):  # compose rarer phrases from the common ones
            seen = set(vocab)
            while len(vocab) < len(words) + 1500:
                w = rng.choice(words) + rng.choice(words)
                if w not in seen:
                    seen.add(w)
                    vocab.append(w)
        # Emoji and punctuation sit in the middle of the frequency ranking.
        for i, tok in enumerate(EMOJI + EXTRA):
            vocab.insert(min(len(vocab), 12 + i * 7), tok)
        # A tape of tokens drawn once from a 64K-entry table laid out by the Zipf weights; messages are random
        # windows of it. Drawing per token in Python would dominate the run; a window of a long random tape is
        # as random as fresh draws to a compressor whose window (32-64 KiB) is far shorter than the tape.
        cum = zipf_cum(len(vocab))
        table, j = [], 0
        for slot in range(1 << 16):
            while cum[j] / cum[-1] < (slot + 0.5) / (1 << 16):
                j += 1
            table.append(vocab[j])
        rare = rng.choices(vocab, cum_weights=cum, k=1 << 12)  # words too rare for the table still show up
        idx = array.array("H", rng.randbytes(2 * tape_len))
        tape = [table[i] for i in idx]
        for k in range(0, tape_len, 97):
            tape[k] = rare[k % len(rare)]
        self.tape = tape
        self.span = tape_len - 5000
        self.rnd = rng.random

    def take(self, n):
        p = int(self.rnd() * self.span)
        return self.joiner.join(self.tape[p:p + n])


def b36(rng, n):
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(alphabet[rng.getrandbits(6) % 36] for _ in range(n))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory to write (created; existing .jsonl files replaced)")
    ap.add_argument("--mb", type=float, required=True, help="approximate size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=35, help="number of daily files (default 35)")
    ap.add_argument("--start", default="2026-09-01", help="first day, YYYY-MM-DD (default 2026-09-01)")
    ap.add_argument("--profile", choices=["long", "short"], default="long", help="line shape (default long)")
    args = ap.parse_args()
    if args.mb <= 0 or args.days < 1:
        ap.error("--mb must be positive and --days at least 1")

    t0 = time.monotonic()
    rng = random.Random(args.seed)
    start = dt.datetime.strptime(args.start, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    start_us = int(start.timestamp()) * 1_000_000
    day_us = 86_400_000_000
    target = int(args.mb * 1_000_000)

    # Conversations: language, participants, activity (Zipf over conversations: a few very busy groups).
    n_conv = max(2000, min(30000, int(target / 60_000)))
    lang_names = list(LANGS)
    lang_weights = [LANGS[l][1] for l in lang_names]
    tokens = {l: TokenSource(random.Random(rng.getrandbits(64)), l, max(1 << 18, int(4e6 * LANGS[l][1])))
              for l in lang_names}
    short = args.profile == "short"
    n_users = n_conv * 3

    def uuid():
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"

    users = [uuid() if short else f"u-{b36(rng, 10)}" for _ in range(n_users)]
    convs = []
    for i in range(n_conv):
        lang = rng.choices(lang_names, lang_weights)[0]
        size = 2 if rng.random() < 0.6 else rng.randint(3, 40)
        members = [users[rng.randrange(n_users)] for _ in range(size)]
        kind = "dm" if size == 2 else "grp"
        convs.append((uuid() if short else f"c-{kind}-{b36(rng, 12)}", lang, members))
    conv_cum = zipf_cum(n_conv, 0.9)
    rng.shuffle(convs)  # busy conversations are not the first generated
    member_device = {}
    for u in users:
        member_device[u] = rng.choices(DEVICES, DEVICE_WEIGHTS)[0]

    # Day weights: weekends quieter, slow growth, noise.
    wday = [(1.0 if (start + dt.timedelta(days=d)).weekday() < 5 else 0.7) * (1 + d / (4 * args.days))
            * rng.uniform(0.9, 1.1) for d in range(args.days)]
    wsum = sum(wday)
    # Diurnal profile per hour (UTC, mixed time zones keep nights from being empty).
    hour_w = [3, 2, 2, 2, 2, 3, 5, 7, 9, 10, 10, 10, 11, 11, 10, 10, 10, 11, 12, 13, 12, 10, 7, 5]
    hour_cum = []
    acc = 0
    for w in hour_w:
        acc += w
        hour_cum.append(acc)

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith(".jsonl"):
            os.remove(os.path.join(args.out, name))

    counts = {"lines": 0, "valid_lines": 0, "distinct_ids": 0, "redeliveries": 0, "echoes": 0, "torn": 0,
              "bytes": 0, "files": 0, "days": args.days, "conversations": n_conv, "users": n_users,
              "redeliveries_to_later_file": 0, "uuid_ids": 0, "legacy_format_lines": 0}
    pending = {}  # delivery day index -> [(delivery_us, kind, line)]; kind: "o", "t", or the first copy's day
    last_in_conv = {}  # conversation -> last message time (us)
    seq = 0
    epoch2020_ms = 1_577_836_800_000
    rnd = rng.random
    getrandbits = rng.getrandbits
    expo = rng.expovariate
    # Tokens a message: median about 5 (long) or 4 (short), with a long tail.
    mu, sigma = (1.3, 0.8) if short else (1.55, 0.85)
    lengths = [int(rng.lognormvariate(mu, sigma)) + 1 for _ in range(8192)]
    choices = rng.choices
    conv_idx = range(n_conv)

    def schedule(when, kind, line):
        pending.setdefault((when - start_us) // day_us, []).append((when, kind, line))

    day_prefix = {}

    def fmt_ts(us):
        day, rest = divmod(us, 86_400_000_000)
        prefix = day_prefix.get(day)
        if prefix is None:
            prefix = dt.datetime.fromtimestamp(day * 86_400, dt.timezone.utc).strftime("%Y-%m-%dT")
            day_prefix[day] = prefix
        secs, frac = divmod(rest, 1_000_000)
        h, secs = divmod(secs, 3600)
        m, secs = divmod(secs, 60)
        if short:
            return f"{prefix}{h:02d}:{m:02d}:{secs:02d}Z"
        return f"{prefix}{h:02d}:{m:02d}:{secs:02d}.{frac:06d}Z"

    def make_id(ts_us):
        nonlocal seq
        seq += 1
        if short or rnd() < 0.12:
            counts["uuid_ids"] += 1
            h = f"{getrandbits(128):032x}"
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"
        # Snowflake-like: milliseconds since 2020 and a sequence; 18 digits, well above 2^53.
        return str(100_000_000_000_000_000 + (((ts_us // 1000 - epoch2020_ms) << 20) | (seq & 0xFFFFF)))

    def make_line(mid, conv, sender, ts_us, body, device, mtype, extra):
        if short:
            return (f'{{"id":"{mid}","conversation":"{conv}","sender":"{sender}","timestamp":"{fmt_ts(ts_us)}",'
                    f'"type":"{mtype}","body":"{body}"}}')
        if extra == "legacy":  # an older producer: other key order, no spaces
            return (f'{{"ts":{ts_us // 1000},"sender":"{sender}","conversation":"{conv}","id":"{mid}",'
                    f'"timestamp":"{fmt_ts(ts_us)}","body":"{body}","device":"{device}"}}')
        line = (f'{{"id": "{mid}", "conversation": "{conv}", "sender": "{sender}", "timestamp": "{fmt_ts(ts_us)}", '
                f'"body": "{body}", "device": "{device}", "type": "{mtype}"')
        if extra:
            line += extra
        return line + "}"

    def body_for(lang):
        r = rnd()
        if r < 0.06:  # emoji-only
            return "".join(choices(EMOJI, k=1 + int(expo(1.0))))
        n = lengths[int(rnd() * 8192)]  # lognormal: median ~5 tokens, long tail
        if r > 0.995:
            n = 200 + int(expo(1 / 400))  # pasted text
        return tokens[lang].take(min(n, 4000))


    written_total = 0
    produced_total = 0
    originals_total = 0
    last_safe = start_us + args.days * day_us - 10_000_000
    for d in range(args.days):
        day_start = start_us + d * day_us
        # The budget counts characters; scale it by the bytes a character has taken so far (non-ASCII text).
        budget = target * wday[d] / wsum / (written_total / produced_total if produced_total else 1.15)
        produced = 0
        # One sorted batch of time points for the whole day, sized by what a message has cost so far.
        batch = max(1, int(budget / (produced_total / originals_total if originals_total else 330)))
        originals_total += batch
        hours = [bisect.bisect_left(hour_cum, rnd() * acc) for _ in range(batch)]
        tss = sorted(day_start + h * 3_600_000_000 + int(rnd() * 3_600_000_000) for h in hours)
        cis = choices(conv_idx, cum_weights=conv_cum, k=batch)
        for ts, ci in zip(tss, cis):
            conv, lang, members = convs[ci]
            last = last_in_conv.get(conv)
            if last is not None and ts - last < 4_500_000:
                ts = last + 4_500_000 + int(rnd() * 20_000_000)
                if ts >= day_start + day_us:
                    continue
            if ts >= last_safe:  # keep every first copy and echo inside the last file
                continue
            last_in_conv[conv] = ts
            sender = members[int(rnd() * len(members))]
            device = member_device[sender]
            body = body_for(lang)
            mid = make_id(ts)
            r = rnd()
            extra = ""
            if short:
                pass
            elif r < 0.05:
                extra = "legacy"
                counts["legacy_format_lines"] += 1
            elif r < 0.13:
                extra = f', "reply_to": "{100_000_000_000_000_000 + getrandbits(58)}"'
            elif r < 0.17:
                extra = (f', "attachments": [{{"kind": "image", "bytes": {getrandbits(20)}, '
                         f'"sha1": "{getrandbits(160):040x}"}}]')
            elif r < 0.19:
                extra = ', "edited": true'
            mtype = MSG_TYPES[int(rnd() * len(MSG_TYPES))]
            line = make_line(mid, conv, sender, ts, body, device, mtype, extra)
            deliver = ts + min(int(expo(1 / 300_000)), 5_000_000)  # delivered a moment later
            if rnd() < 0.00004:  # torn: cut short, never delivered whole
                raw = line.encode()
                cut = rng.randrange(8, len(raw) - 1)
                line = raw[:cut].decode("utf-8", "surrogateescape")
                schedule(deliver, "t", line)
                produced += cut + 1
                continue
            recs = [(deliver, line)]
            if rnd() < 0.0205:  # echo: the client sent it again with a new id
                ets = ts + 50_000 + int(rnd() * 1_850_000)
                eline = make_line(make_id(ets), conv, sender, ets, body, device, mtype, extra)
                recs.append((ets + min(int(expo(1 / 300_000)), 5_000_000), eline))
                counts["echoes"] += 1
            copies = []
            for when, text in recs:
                schedule(when, "o", text)
                produced += len(text) + 1  # approximate for non-ASCII; good enough for a budget
                r2 = rnd()
                if r2 < 0.064:  # redelivery: the same bytes again, mostly within minutes
                    k = 2 if r2 < 0.002 else 1
                    for _ in range(k):
                        r3 = rnd()
                        if r3 < 0.85:
                            delay = int(expo(1 / 90_000_000))  # ~1.5 min
                        elif r3 < 0.97:
                            delay = int(expo(1 / 7_200_000_000))  # ~2 h
                        else:
                            delay = 86_400_000_000 * (1 + int(rnd() * 5)) + int(rnd() * 3_600_000_000)
                        copies.append((when + delay, (when - start_us) // day_us, text))
            for when, first_day, text in copies:
                schedule(when, first_day, text)
                produced += len(text) + 1
        # Everything delivered on day d is now known: later days only produce later timestamps.
        entries = pending.pop(d, [])
        entries.sort(key=lambda e: e[0])  # stable: a copy delivered at the same instant stays after the first
        for _, kind, _ in entries:
            if kind == "t":
                counts["torn"] += 1
            elif kind != "o":
                counts["redeliveries"] += 1
                if kind != d:
                    counts["redeliveries_to_later_file"] += 1
        data = ("\n".join(e[2] for e in entries) + "\n").encode("utf-8", "surrogateescape") if entries else b""
        name = (start + dt.timedelta(days=d)).strftime("%Y-%m-%d") + ".jsonl"
        with open(os.path.join(args.out, name), "wb", buffering=0) as f:
            f.write(data)
        counts["files"] += 1
        counts["lines"] += len(entries)
        written_total += len(data)
        produced_total += produced
        if sys.stderr.isatty():
            print(f"\r{name}  {written_total / 1e6:8.1f} MB", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)

    counts["valid_lines"] = counts["lines"] - counts["torn"]
    counts["distinct_ids"] = counts["valid_lines"] - counts["redeliveries"]
    counts["distinct_content"] = counts["distinct_ids"] - counts["echoes"]
    counts["bytes"] = written_total
    counts["seed"] = args.seed
    counts["mb"] = args.mb
    counts["start"] = args.start
    counts["profile"] = args.profile
    counts["generator_seconds"] = round(time.monotonic() - t0, 2)
    with open(os.path.join(args.out, "corpus.json"), "w") as f:
        json.dump(counts, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
