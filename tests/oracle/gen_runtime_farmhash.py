"""Record TensorFlow's FarmHash64 fingerprints (the hash behind keras.layers.Hashing and
tf.strings.to_hash_bucket_fast) of strings of every length class the algorithm
distinguishes, for tests/runtime/test_farmhash.py.

    /work/oracle-venv/bin/python tests/oracle/gen_runtime_farmhash.py
"""
import json
from pathlib import Path

import tensorflow as tf

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "farmhash64.json"

strs = ["", "a", "ab", "abc", "cat", "dog", "1", "2", "1234567", "abcd", "hello", "abcdefgh", "abcdefghi",
        "the quick brown", "the quick brown fox jump", "x" * 31, "y" * 32, "z" * 33, "lorem ipsum dolor sit amet, consectetur",
        "0123456789" * 6 + "abcd", "q" * 65, "The quick brown fox jumps over the lazy dog, again and again and again!!",
        "w" * 200]
fp = tf.fingerprint(tf.constant(strs), method="farmhash64").numpy()
vals = [int.from_bytes(bytes(r), "little") for r in fp]
b = tf.strings.to_hash_bucket_fast(tf.constant(strs), 1000).numpy().tolist()
OUT.write_text(json.dumps({"strs": strs, "fp": [str(v) for v in vals], "b1000": b}) + "\n")
