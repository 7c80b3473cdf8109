#!/usr/bin/env python3
"""Writes the chat-export fixtures under fixtures/exports/ from the formats' documented structure.

Nothing here is copied from a real export: the shapes follow docs/pipeline.md ("Chat exports") and
shared/chat-formats.md. Output is deterministic, so re-running it leaves the committed files unchanged.

    scripts/gen-chat-exports.py [OUT]                 # the fixtures (default fixtures/exports)
    scripts/gen-chat-exports.py --discord-big BYTES FILE   # one large DiscordChatExporter file, for benchmarks
"""

import io
import json
import os
import random
import shutil
import sys
import zipfile

DISCORD_EPOCH_MS = 1420070400000


def slack_message(ts, user, text, **extra):
    message = {"type": "message", "user": user, "text": text, "ts": ts}
    message.update(extra)
    return message


def slack_days():
    """Day files of the first Slack export: {(channel, day): [messages]} with every trap the format has."""
    parent_ts = "1736467200.000100"
    general_09 = [
        slack_message("1736380800.000200", "U01ALICE", "", subtype="channel_join"),
        slack_message(
            "1736380801.000001", "U01ALICE", "a ts a Double reads as 1736380801.0000010",
            client_msg_id="7d2f7c1e-0001-4c1a-9d3a-aaaaaaaaaaaa"),
        slack_message("1736380802.999999", "U02BOB", "and \"quotes\", \\ backslashes, \u00e9t\u00e9 and \U0001F600"),
    ]
    general_10 = [
        {
            "type": "message", "subtype": "tombstone", "user": "USLACKBOT", "text": "This message was deleted.",
            "ts": parent_ts, "thread_ts": parent_ts, "reply_count": 2, "reply_users": ["U02BOB", "U01ALICE"],
            "replies": [{"user": "U02BOB", "ts": "1736467260.000200"}, {"user": "U01ALICE", "ts": "1736467320.000300"}],
            "latest_reply": "1736467320.000300",
        },
        slack_message(
            "1736467260.000200", "U02BOB", "reply one", thread_ts=parent_ts, parent_user_id="U01ALICE"),
        slack_message(
            "1736467320.000300", "U01ALICE", "reply two, edited", thread_ts=parent_ts, parent_user_id="U01ALICE",
            edited={"user": "U01ALICE", "ts": "1736467400.000000"}),
        {
            "type": "message", "subtype": "bot_message", "bot_id": "B01DEPLOY", "username": "deploybot",
            "text": "deploy 42 done", "ts": "1736470000.123456",
        },
        slack_message(
            "1736471000.000010", "U02BOB", "the log", files=[{
                "id": "F01LOG", "name": "build.log", "mimetype": "text/plain", "size": 1234,
                "url_private": "https://files.example.invalid/F01LOG/build.log"}],
            user_profile={"real_name": "Bob", "display_name": "bob"}),
    ]
    random_10 = [slack_message("1736467201.000001", "U02BOB", "same ts digits, other channel")]
    random_10 += [slack_message("1736467300.%06d" % i, "U01ALICE", "random %d" % i) for i in range(1, 5)]
    return {
        ("general", "2025-01-09"): general_09, ("general", "2025-01-10"): general_10,
        ("random", "2025-01-10"): random_10,
    }


def slack_overlap_days():
    """The second export: 2025-01-10 again (the same messages) and a new day."""
    days = slack_days()
    later = [slack_message("1736553600.%06d" % i, "U02BOB", "later %d" % i) for i in range(1, 4)]
    return {
        ("general", "2025-01-10"): days[("general", "2025-01-10")],
        ("random", "2025-01-10"): days[("random", "2025-01-10")],
        ("general", "2025-01-11"): later,
    }


def slack_top_level():
    return {
        "channels.json": [
            {"id": "C01GENERAL", "name": "general", "created": 1736380000, "members": ["U01ALICE", "U02BOB"]},
            {"id": "C02RANDOM", "name": "random", "created": 1736380000, "members": ["U01ALICE", "U02BOB"]},
        ],
        "users.json": [{"id": "U01ALICE", "name": "alice"}, {"id": "U02BOB", "name": "bob"}],
        "integration_logs.json": {"logs": []},
    }


def slack_files(days):
    """The files of a Slack export, path -> bytes, pretty-printed as Slack writes them."""
    files = {name: dumps_pretty(value) for name, value in slack_top_level().items()}
    for (channel, day), messages in sorted(days.items()):
        files["%s/%s.json" % (channel, day)] = dumps_pretty(messages)
    return files


def dumps_pretty(value, indent=4):
    return (json.dumps(value, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")


def write_folder(root, files):
    shutil.rmtree(root, ignore_errors=True)
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def write_zip(path, files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 12, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    return buffer.getvalue()


def slack_bad_files():
    """A Slack export with one good day and every kind of damage an export can carry."""
    good = [slack_message("1736640000.%06d" % i, "U01ALICE", "good %d" % i) for i in range(1, 4)]
    files = {"channels.json": dumps_pretty(slack_top_level()["channels.json"])}
    files["general/2025-01-12.json"] = (
        b'[\n  {"type": "message", "user": "U01ALICE", "text": "before", "ts": "1736640100.000001"},\n'
        b'  {"type": "message", "user": "U02BOB", "text": oops, "ts": "1736640100.000002"},\n'
        b'  {"type": "message", "user": "U01ALICE", "text": "after", "ts": "1736640100.000003"}\n]\n')
    files["general/2025-01-13.json"] = b"this is not JSON at all\n"
    files["../escape/2025-01-12.json"] = dumps_pretty(good[:1])
    files["bomb/2025-01-12.json"] = b"[" + b" " * (2 << 20) + b"]"
    files["good/2025-01-12.json"] = dumps_pretty(good)
    return files


def snowflake(ms, n):
    return str(((ms - DISCORD_EPOCH_MS) << 22) | n)


def discord_message(ms, n, author, content, **extra):
    stamp = ms // 1000
    millis = ms % 1000
    import datetime
    when = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    message = {
        "id": snowflake(ms, n), "type": "Default", "timestamp": "%s.%03d+00:00" % (when, millis),
        "timestampEdited": None, "callEndedTimestamp": None, "isPinned": False, "content": content,
        "author": {"id": author[0], "name": author[1], "discriminator": "0000", "nickname": author[1],
                   "color": None, "isBot": False, "avatarUrl": "https://cdn.example.invalid/a.png"},
        "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": [],
    }
    message.update(extra)
    return message


ALICE = ("459136077417021488", "alice")
BOB = ("1100000000000000001", "bob")


def discord_document(messages, after, before):
    return {
        "guild": {"id": "900000000000000001", "name": "Example Guild", "iconUrl": "https://cdn.example.invalid/g.png"},
        "channel": {"id": "1000000000000000123", "type": "GuildTextChat", "categoryId": "900000000000000002",
                    "category": "Text", "name": "general", "topic": None},
        "dateRange": {"after": after, "before": before},
        "exportedAt": "2025-01-12T00:00:00+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }


def discord_runs():
    """Two DiscordChatExporter runs of one channel over overlapping dates; the first repeats one message."""
    base = 1736467200000  # 2025-01-10T00:00:00Z
    first = [discord_message(base + i * 60_000, i, ALICE if i % 2 else BOB, "message %d" % i) for i in range(6)]
    first[2]["type"] = "Reply"
    first[2]["reference"] = {"messageId": first[1]["id"], "channelId": "1000000000000000123",
                             "guildId": "900000000000000001"}
    first[3]["timestampEdited"] = "2025-01-10T00:05:00.000+00:00"
    first.append(json.loads(json.dumps(first[4])))  # the same message twice in one file
    second = first[3:6] + [
        discord_message(base + 86_400_000 + i * 60_000, i, BOB, "next day %d" % i) for i in range(3)]
    return (discord_document(first, None, "2025-01-11T00:00:00+00:00"),
            discord_document(second, "2025-01-10T00:03:00+00:00", None))


def mattermost_lines():
    lines = [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "eng", "display_name": "Engineering", "type": "O"}},
        {"type": "channel", "channel": {"team": "eng", "name": "town-square", "display_name": "Town Square",
                                        "type": "O"}},
        {"type": "user", "user": {"username": "alice", "email": "alice@example.invalid"}},
        {"type": "user", "user": {"username": "bob", "email": "bob@example.invalid"}},
        {"type": "post", "post": {
            "team": "eng", "channel": "town-square", "user": "alice", "message": "parent post",
            "props": {}, "create_at": 1736467257086, "reactions": [],
            "replies": [
                {"user": "bob", "message": "a reply older than its parent", "create_at": 1736467184976},
                {"user": "alice", "message": "a later reply", "create_at": 1736467300000},
            ]}},
        {"type": "post", "post": {
            "team": "eng", "channel": "town-square", "user": "bob", "message": "no replies here",
            "create_at": 1736467400000}},
        {"type": "direct_channel", "direct_channel": {"members": ["bob", "alice"]}},
        {"type": "direct_post", "direct_post": {
            "channel_members": ["bob", "alice"], "user": "bob", "message": "hi alice \"quoted\"",
            "create_at": 1736553600000, "replies": [
                {"user": "alice", "message": "hi bob", "create_at": 1736553660000}]}},
    ]
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    return text + '{"type":"post","post":{"team":"eng","channel":"town-square"\n'


def discord_big(size, path):
    """A DiscordChatExporter file of about `size` bytes: one channel, messages one second apart."""
    rng = random.Random(7)
    base = 1704067200000
    words = ["ship", "merge", "deploy", "lunch", "review", "bug", "fix", "test", "build", "coffee"]
    with open(path, "w") as f:
        head = discord_document([], None, None)
        del head["messages"], head["messageCount"]
        text = json.dumps(head, indent=2)
        f.write(text[:-2] + ',\n  "messages": [\n')
        written, i = 0, 0
        while written < size:
            message = discord_message(base + i * 1000, i % 4096, ALICE if i % 3 else BOB,
                                      " ".join(rng.choice(words) for _ in range(rng.randint(3, 25))))
            chunk = ("" if i == 0 else ",\n") + json.dumps(message, indent=2).replace("\n", "\n    ")
            f.write("    " + chunk if i == 0 else chunk)
            written += len(chunk)
            i += 1
        f.write('\n  ],\n  "messageCount": %d\n}\n' % i)
    print("%s: %d messages" % (path, i))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--discord-big":
        discord_big(int(sys.argv[2]), sys.argv[3])
        return
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures", "exports")
    os.makedirs(out, exist_ok=True)
    first = slack_files(slack_days())
    write_folder(os.path.join(out, "slack"), first)
    write_zip(os.path.join(out, "slack.zip"), first)
    write_zip(os.path.join(out, "slack-overlap.zip"), slack_files(slack_overlap_days()))
    write_zip(os.path.join(out, "slack-bad.zip"), slack_bad_files())
    whole = write_zip(os.path.join(out, "slack-truncated.zip"), first)
    with open(os.path.join(out, "slack-truncated.zip"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    runs = discord_runs()
    for name, document in zip(["discord-run1.json", "discord-run2.json"], runs):
        with open(os.path.join(out, name), "wb") as f:
            f.write(dumps_pretty(document, indent=2))
    bad = dumps_pretty(runs[0], indent=2).replace(b'"content": "message 2"', b'"content": message 2', 1)
    with open(os.path.join(out, "discord-bad.json"), "wb") as f:
        f.write(bad)
    with open(os.path.join(out, "mattermost.jsonl"), "w") as f:
        f.write(mattermost_lines())


if __name__ == "__main__":
    main()
