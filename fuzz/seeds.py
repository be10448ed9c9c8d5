#!/usr/bin/env python3
"""Writes the committed seed corpus of every fuzz target into fuzz/corpus/TARGET/ from tests/spec and a few
generated cases. Run from the repository root: python3 fuzz/seeds.py (it overwrites only its own seed files).

Several documents in one input are separated by a 0xFF byte (see fuzz/src/lib.rs)."""

import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "tests", "spec")
OUT = os.path.join(ROOT, "fuzz", "corpus")
SEP = b"\xff"


def write(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def read(*path):
    with open(os.path.join(SPEC, *path), "rb") as f:
        return f.read()


coffee = json.loads(read("models", "coffee-shop.json"))
decide_cases = sorted(os.listdir(os.path.join(SPEC, "decide")))

# model: the coffee shop, its offers one at a time, and small edge cases.
write("model", "coffee-shop", compact(coffee))
for i, offer in enumerate(coffee["offers"]):
    write("model", f"offer-{i}", compact({"offers": [offer]}))
write("model", "empty-offers", '{"offers":[]}')
write("model", "minimal", '{"offers":[{"id":"o","kind":"content"}]}')
write("model", "deep-condition", compact({"offers": [{"id": "o", "kind": "content",
                                                       "condition": {"$and": [{"$or": [{"$not": {"a": {"$elemMatch": {"b": {"$gt": 1}}}}}]}]}}]}))
write("model", "regex-and-versions", compact({"offers": [{"id": "o", "kind": "upsell", "condition": {
    "email": {"$regex": "^[a-z]+@(x|y)\\.com$"}, "app": {"$vgte": "1.2.3-beta"}, "tags": {"$all": ["a", "b"]}}}]}))

# condition: GrowthBook's evalCondition cases, condition FF attributes FF savedGroups.
cases = json.loads(read("growthbook-cases.json"))["evalCondition"]
for i, case in enumerate(cases):
    if i % 3:  # a third of them keeps the corpus small and still covers every operator family
        continue
    groups = case[4] if len(case) > 4 else None
    data = compact(case[1]).encode() + SEP + compact(case[2]).encode()
    if groups is not None:
        data += SEP + compact(groups).encode()
    write("condition", f"growthbook-{i:03}", data)

# orders_csv: the spec's order files under each option byte (bit 0 lenient, bits 1-2 model, bit 3 spend).
orders = sorted(os.listdir(os.path.join(SPEC, "orders")))
for name in orders:
    body = read("orders", name)
    for flags in (0x08, 0x05):
        write("orders_csv", f"{name[:-4]}-{flags:02x}", bytes([flags]) + body)
write("orders_csv", "orders-small-08", b"\x08" + read("insight", "orders_small.csv"))
write("orders_csv", "datetime-and-quotes", b"\x01customer_id,date,amount,product_id\n"
      b"\"a,1\",2024-01-02T10:00:00Z,30,\"p\"\"q\"\nb,2024-02-30,1e3,x\nb,1900-01-01,-5,y\n")

# decide: the golden requests, request FF customer (the same customer, prepared).
for name in decide_cases:
    case = json.loads(read("decide", name))
    request = case.get("request")
    if not isinstance(request, dict):
        continue
    customer = request.get("customer", {})
    write("decide", name[:-5], compact(request).encode() + SEP + compact(customer).encode())

# state: pairs of states and an event.
a = {"format": "nextoffer-state", "version": 1, "offers": {
    "grinder-pro": {"total": {"impressions": 10, "clicks": 2}, "segments": {"gold": {"impressions": 4, "clicks": 1}}},
    "retired-offer": {"total": {"accepts": 3}}}}
b = {"format": "nextoffer-state", "version": 1, "offers": {
    "grinder-pro": {"total": {"impressions": 5, "dismisses": 1, "purchases": 1}, "segments": {"silver": {"impressions": 5}}}}}
event = {"type": "click", "offerId": "grinder-pro", "segment": "gold", "count": 2}
write("state", "two-states-and-a-click", compact(a).encode() + SEP + compact(b).encode() + SEP + compact(event).encode())
write("state", "newer-version", compact({**a, "version": 2}).encode() + SEP + compact(b).encode())
write("state", "empty", b'{"format":"nextoffer-state","version":1,"offers":{}}' + SEP + b"{}")
write("state", "segment-over-total", b'{"format":"nextoffer-state","version":1,"offers":{"x":{"total":{"clicks":1},'
      b'"segments":{"g":{"clicks":2}}}}}')


# recommend_model: models in the binary format of src/recommend/model_format.rs.
def u32(v):
    return struct.pack("<I", v)


def text(s):
    raw = s.encode()
    return u32(len(raw)) + raw


def recommender(items, categories, neighbours, segments, baskets=10, similarity=0, mode=0):
    out = b"NXRC" + struct.pack("<H", 1) + bytes([mode, similarity]) + u32(baskets)
    out += u32(len(categories)) + b"".join(text(c) for c in categories)
    out += u32(len(items))
    for name, count, category, price in items:
        out += text(name) + u32(count) + u32(category) + struct.pack("<d", price)
    entries = [n for row in neighbours for n in row]
    out += u32(len(entries)) + b"".join(u32(len(row)) for row in neighbours)
    out += b"".join(u32(item) + u32(together) for item, together in entries)
    out += u32(len(segments))
    for name, seg_baskets, ranked in segments:
        out += text(name) + u32(seg_baskets) + u32(len(ranked)) + b"".join(u32(i) + u32(c) for i, c in ranked)
    return out


NONE = 0xFFFFFFFF
write("recommend_model", "three-items", recommender(
    [("beans", 6, 0, 1200.0), ("filter", 4, 0, 300.0), ("mug", 2, 1, float("nan"))],
    ["coffee", "kitchen"],
    [[(1, 3), (2, 1)], [(0, 3)], [(0, 1)]],
    [("gold", 4, [(0, 3), (1, 2)])]))
write("recommend_model", "no-categories", recommender(
    [("a", 1, NONE, 0.0), ("b", 1, NONE, 5.5)], [], [[(1, 1)], [(0, 1)]], [], baskets=1, similarity=2, mode=1))
write("recommend_model", "empty", recommender([], [], [], []))
