#!/usr/bin/env python3
"""Parity and speed of Novarec's Swift sentence encoder against the Python reference.

Texts: every item text of the RecBole set (amazon-scientific's Scientific.text), every MovieLens
title (movielens*/movies.csv) and a Unicode torture list (accents, CJK, emoji, control
characters, special tokens, very long words). For each text it compares

  * token ids: Hugging Face `tokenizers` loading the model's tokenizer.json (truncation to the
    model's max_seq_length, no padding) against `novarec embed --tokens-only`;
  * sentence vectors (cosine; minimum and mean): the reference against `novarec embed`.

The reference is sentence-transformers on torch (CPU) when both import, else a float64 numpy
forward pass of the same BERT (--reference numpy forces it; its erf is Abramowitz-Stegun 7.1.26,
absolute error below 1.5e-7). Speed: `novarec bench embed --texts N` and the reference's
titles/s on the same first N RecBole texts, one after the other on this machine.

  python3 deploy/text-parity.py [--novarec .build/release/novarec] [--bench-texts 1000]
  python3 deploy/text-parity.py --all-scalars   # also every Unicode scalar, token ids only
  python3 deploy/text-parity.py --one-core      # speed on one core, both sides

Exits 1 when token ids differ anywhere or the minimum cosine is below 0.9999.
"""
import argparse
import csv
import glob
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def require(*packages):
    """Imports the packages, installing the missing ones with pip first."""
    missing = [p for p in packages if importlib.util.find_spec(p) is None]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)


require("numpy", "tokenizers", "safetensors")
import numpy as np  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

TORTURE = [
    "", " ", "\t\n\r", "Café crème brûlée déjà vu", "ÀÉÎÕÜ àéîõü ñ ç ø å ß", "e\u0301 a\u0308 o\u0302 (combining)",
    "İstanbul ΣΊΣΥΦΟΣ ǅ ǈ ﬁ ﬂ ẞ", "北京大学 東京都 서울특별시 ひらがな カタカナ", "中文混合English文本123",
    "𠀀𠀁 𪜀 𫝀 𫠠 𬺰 (CJK extensions)", "😀😃🥲 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷",
    "nul\u0000byte bell\u0007 esc\u001b del\u007f", "soft\u00adhyphen zero\u200bwidth join\u200dner bom\ufeff",
    "replacement \ufffd char", "line\u2028sep para\u2029sep nbsp\u00a0x ideographic\u3000space",
    "vt\u000bff\u000cnel\u0085end", "private \ue000\U000f0000 use", "x" * 100, "y" * 101, "supercalifragilisticexpialidocious" * 4,
    "a" * 1000, "word " * 400, "[CLS] [SEP] [MASK] [UNK] [PAD] [mask] [CLS", "hello[SEP]world[MASK]!",
    "¿Qué? ¡Sí! «guillemets» „Anführung“ ‘single’ “double” — – … · • ※ ‰ ′ ″", "$100 & 50% off @home #tag ~tilde ^caret `tick` |pipe|",
    "Ω≈ç√∫˜µ≤≥÷ ∑∏∆ ∞ ℃ ℉ № ™ ® ©", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "ℌℑℜ 𝔄𝔅 𝐀𝐁𝐂 ①②③ ⅰⅱⅲ", "Ⅷ ⅸ ½ ¾ ⁴ ₂ ²",
    "العربية עברית فارسی", "हिन्दी தமிழ் ไทย ລາວ བོད་", "Ελληνικά Кириллица Ӂ Ґ", "ᚠᛇᚻ ᜀᜁ ᨀᨁ 𐎀𐎁",
    "tab\tseparated\tvalues", "multi\nline\ntext", "  leading and trailing  ", "don't won't it's o'clock rock'n'roll",
    "e-mail@example.com https://example.com/path?q=1&r=2", "C++ C# F# .NET node.js", "3.14159 1,000,000 1e-10 -42",
    "\U0001f600" * 50, "ab\u0300\u0301\u0302\u0303\u0304cd", "Z\u0351\u036b\u0343\u036a\u0302alg\u0315o\u0360 text",
    "\u1734\u166d\u1885\ua9bd\U000111c9\U0001171e", "\u0890\u0891\u08e2 \U000110cd \U00013430",
]


def recbole_texts(datasets):
    for path in sorted(glob.glob(os.path.join(datasets, "*", "*.text"))):
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                yield os.path.basename(path), line.rstrip("\n").split("\t", 1)[1]


def movielens_titles(datasets):
    for path in sorted(glob.glob(os.path.join(datasets, "movielens*", "movies.csv"))):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                yield os.path.basename(os.path.dirname(path)), row["title"]


def write_jsonl(path, texts):
    with open(path, "w", encoding="ascii") as f:
        for text in texts:
            f.write(json.dumps(text) + "\n")


def novarec(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"novarec {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def max_seq_length(model):
    with open(os.path.join(model, "sentence_bert_config.json")) as f:
        return json.load(f)["max_seq_length"]


def reference_tokenizer(model):
    tokenizer = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_seq_length(model))
    return tokenizer


def compare_tokens(binary, model, texts, sources, path):
    """Prints the share of identical token ids per source; returns how many texts differ."""
    write_jsonl(path, texts)
    novarec(binary, "embed", "--model", model, "--input", path, "--tokens-only", "--out", path + ".tokens")
    with open(path + ".tokens") as f:
        swift = [json.loads(line) for line in f]
    reference = [e.ids for e in reference_tokenizer(model).encode_batch(texts)]
    bad = [i for i, (a, b) in enumerate(zip(swift, reference)) if a != b]
    assert len(swift) == len(texts), "one line of ids per text"
    for source in sorted(set(sources)):
        members = [i for i, s in enumerate(sources) if s == source]
        same = sum(1 for i in members if swift[i] == reference[i])
        print(f"  tokens {source:28s} {same:7d}/{len(members):7d} identical ({100 * same / len(members):.3f} %)")
    for i in bad[:10]:
        print(f"    differs: {texts[i][:60]!r}\n      swift     {swift[i][:20]}\n      reference {reference[i][:20]}")
    return len(bad)


class NumpyBert:
    """all-MiniLM-L6-v2's forward pass in float64 numpy: padded batches with an attention mask,
    post-LayerNorm layers, exact-erf GELU, mean pooling over real tokens, L2 normalisation."""

    def __init__(self, model):
        with open(os.path.join(model, "config.json")) as f:
            config = json.load(f)
        self.heads, self.eps, self.layers = config["num_attention_heads"], config["layer_norm_eps"], config["num_hidden_layers"]
        self.w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(model, "model.safetensors")).items() if v.dtype != np.int64}

    @staticmethod
    def erf(x):
        t = 1 / (1 + 0.3275911 * np.abs(x))
        y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
        return np.sign(x) * y

    def norm(self, x, name):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def linear(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def encode(self, batch):
        w, n, length = self.w, len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length))
        for i, row in enumerate(batch):
            ids[i, :len(row)], mask[i, :len(row)] = row, 1
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = self.norm(x, "embeddings.LayerNorm")
        d = x.shape[-1]
        dh = d // self.heads
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            split = lambda t: t.reshape(n, length, self.heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
            q, k, v = (split(self.linear(x, p + "attention.self." + part)) for part in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh) + (1 - mask[:, None, None, :]) * -1e9
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(n, length, d)
            x = self.norm(self.linear(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            inner = self.linear(x, p + "intermediate.dense")
            inner = 0.5 * inner * (1 + self.erf(inner / np.sqrt(2)))
            x = self.norm(self.linear(inner, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def reference_encoder(kind, model):
    """A function from a list of texts to unit vectors, and its description."""
    if kind in ("auto", "torch"):
        try:
            import torch
            from sentence_transformers import SentenceTransformer
            torch.set_num_threads(len(os.sched_getaffinity(0)))
            encoder = SentenceTransformer(model, device="cpu")
            return (lambda texts: encoder.encode(texts, batch_size=32, normalize_embeddings=True),
                    f"sentence-transformers {importlib.metadata.version('sentence-transformers')}, torch {torch.__version__} "
                    f"(CPU, {torch.get_num_threads()} thread(s)), batch 32")
        except ImportError:
            if kind == "torch":
                raise
    bert, tokenizer = NumpyBert(model), reference_tokenizer(model)

    def encode(texts):
        ids = [e.ids for e in tokenizer.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), bert.w["embeddings.word_embeddings.weight"].shape[1]))
        for start in range(0, len(order), 32):
            chunk = order[start:start + 32]
            out[chunk] = bert.encode([ids[i] for i in chunk])
        return out
    return encode, f"numpy {np.__version__} float64 forward pass (length-sorted batches of 32)"


def compare_vectors(binary, model, texts, sources, path, reference):
    """Prints the cosines per source; returns the minimum. `path` holds `texts` as JSON lines."""
    novarec(binary, "embed", "--model", model, "--input", path, "--out", path + ".safetensors")
    swift = load_file(path + ".safetensors")["embeddings"].astype(np.float64)
    ref = np.asarray(reference(texts), dtype=np.float64)
    cosine = (swift * ref).sum(1) / np.linalg.norm(swift, axis=1) / np.linalg.norm(ref, axis=1)
    for source in sorted(set(sources)):
        members = [i for i, s in enumerate(sources) if s == source]
        values, gap = cosine[members], np.abs(swift[members] - ref[members]).max()
        print(f"  cosine {source:28s} min {values.min():.9f}  mean {values.mean():.9f}  max |component difference| {gap:.1e}"
              f"  ({len(values)} texts)")
    worst = int(cosine.argmin())
    print(f"  cosine overall: min {cosine.min():.9f} (1 - min = {1 - cosine.min():.1e}), mean {cosine.mean():.9f} over {len(texts)} texts;"
          f" worst: {texts[worst][:60]!r}")
    return float(cosine.min())


def bench(binary, model, texts, work, count, reference, description, rounds=3):
    """Alternates timed rounds of the reference and of `novarec bench embed` on the same texts, so
    both meet the same background load; prints the best and median titles/s of each side and titles
    per CPU-second (process CPU time, all threads), which that load disturbs less."""
    path = os.path.join(work, "bench.jsonl")
    write_jsonl(path, texts)
    sample = texts[:count]
    reference(sample[:64])
    ref, swift = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        reference(sample)
        ref.append((len(sample) / (time.perf_counter() - wall), len(sample) / (time.process_time() - cpu)))
        output = novarec(binary, "bench", "embed", "--model", model, "--input", path, "--texts", str(count), "--rounds", "1")
        line = next(line for line in output.splitlines() if line.startswith("round 1:"))
        swift.append((float(line.split(" s, ")[1].split(" ")[0]), float(line.rsplit(", ", 1)[1].split(" ")[0])))
    print("  " + output.splitlines()[0])
    for name, rates in ((f"Swift (novarec bench embed)", swift), (f"reference ({description})", ref)):
        walls, cpus = sorted(r[0] for r in rates), sorted(r[1] for r in rates)
        print(f"  {name}: best {walls[-1]:.1f} titles/s, median {walls[len(walls) // 2]:.1f} titles/s, "
              f"{cpus[len(cpus) // 2]:.1f} titles per CPU-second (median of {rounds})")
    best = lambda rates: max(r[0] for r in rates)  # noqa: E731
    print(f"  Swift / reference on the same {len(sample)} texts: {best(swift) / best(ref):.2f}x (best titles/s), "
          f"{sorted(r[1] for r in swift)[rounds // 2] / sorted(r[1] for r in ref)[rounds // 2]:.2f}x (titles per CPU-second)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_binary = next((p for p in (".build/release/novarec", ".build/debug/novarec") if os.path.exists(os.path.join(ROOT, p))),
                          ".build/release/novarec")
    parser.add_argument("--novarec", default=os.path.join(ROOT, default_binary))
    parser.add_argument("--model", default=os.path.join(ROOT, "models/all-MiniLM-L6-v2"))
    parser.add_argument("--datasets", default=os.path.join(ROOT, "..", "shared", "datasets"))
    parser.add_argument("--reference", choices=["auto", "torch", "numpy"], default="auto")
    parser.add_argument("--bench-texts", type=int, default=1000)
    parser.add_argument("--all-scalars", action="store_true", help="also compare token ids on every Unicode scalar")
    parser.add_argument("--limit", type=int, help="only the first N texts of each dataset (a quick run)")
    parser.add_argument("--one-core", action="store_true",
                        help="pin this script, the reference (one torch thread) and novarec to CPU 0: a per-core comparison "
                             "that other load on the machine disturbs less than two threads meeting at barriers")
    args = parser.parse_args()
    if args.one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if not os.path.isdir(args.datasets):
        args.datasets = "/work/shared/datasets"
    every_recbole = [t for _, t in recbole_texts(args.datasets)]
    recbole, movies = list(recbole_texts(args.datasets))[:args.limit], list(movielens_titles(args.datasets))[:args.limit]
    sources = [s for s, _ in recbole] + [s for s, _ in movies] + ["unicode torture list"] * len(TORTURE)
    texts = [t for _, t in recbole] + [t for _, t in movies] + TORTURE
    print(f"{len(texts)} texts: {len(recbole)} RecBole item texts, {len(movies)} MovieLens titles, {len(TORTURE)} torture strings")
    failed = False
    with tempfile.TemporaryDirectory() as work:
        print("token ids (Hugging Face tokenizers vs novarec embed --tokens-only):")
        texts_path = os.path.join(work, "texts.jsonl")
        failed |= compare_tokens(args.novarec, args.model, texts, sources, texts_path) > 0
        if args.all_scalars:
            scalars = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
            failed |= compare_tokens(args.novarec, args.model, ["a" + chr(c) + "b " + chr(c) for c in scalars],
                                     ["every Unicode scalar"] * len(scalars), os.path.join(work, "scalars.jsonl")) > 0
        reference, description = reference_encoder(args.reference, args.model)
        print(f"sentence vectors (reference: {description}):")
        failed |= compare_vectors(args.novarec, args.model, texts, sources, texts_path, reference) < 0.9999
        print(f"speed (first {args.bench_texts} RecBole item texts):")
        bench(args.novarec, args.model, every_recbole, work, args.bench_texts, reference, description)
    print("parity: FAILED" if failed else "parity: OK (identical token ids, minimum cosine >= 0.9999)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
