"""Sound Hugging Face transformers, tiny configs built in code, random weights, no hub access.

Each function builds one model from a config written here (`from_config`-style: no file is
read and nothing is downloaded). The inputs are keyword tensors, as these models take them.
"""

from __future__ import annotations

import torch
from torch import nn

from tests.diagnosis.corpus.cases import Sound
from tests.diagnosis.corpus.zoo import torchvision

torchvision()  # transformers may import torchvision: its compiled ops may not load here
import transformers as tf  # noqa: E402

#: Small enough for CPU, large enough for every token id the cases draw (see cases.IDS).
TINY = {"vocab_size": 128, "hidden_size": 32, "num_attention_heads": 4, "intermediate_size": 64}


def bert() -> nn.Module:
    """BERT, whose padding check calls `.item()` on the input ids."""
    return tf.BertModel(tf.BertConfig(num_hidden_layers=2, **TINY))


def gpt2() -> nn.Module:
    return tf.GPT2LMHeadModel(
        tf.GPT2Config(
            vocab_size=128, n_embd=32, n_layer=2, n_head=4, bos_token_id=1, eos_token_id=2
        )
    )


def llama() -> nn.Module:
    """Llama, whose rotary embedding runs under `torch.autocast(device_type=...)`."""
    config = tf.LlamaConfig(num_hidden_layers=2, num_key_value_heads=2, **TINY)
    return tf.LlamaForCausalLM(config)


def t5() -> nn.Module:
    config = tf.T5Config(
        vocab_size=128, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
        decoder_start_token_id=0,
    )  # fmt: skip
    return tf.T5ForConditionalGeneration(config)


def distilbert() -> nn.Module:
    config = tf.DistilBertConfig(vocab_size=128, dim=32, n_layers=2, n_heads=4, hidden_dim=64)
    return tf.DistilBertForSequenceClassification(config)


def vit() -> nn.Module:
    config = tf.ViTConfig(
        image_size=32, patch_size=8, num_hidden_layers=2, num_labels=10,
        **{k: v for k, v in TINY.items() if k != "vocab_size"},
    )  # fmt: skip
    return tf.ViTForImageClassification(config)


def whisper() -> nn.Module:
    config = tf.WhisperConfig(
        vocab_size=128, num_mel_bins=16, d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_source_positions=32, max_target_positions=32,
        decoder_start_token_id=1, pad_token_id=0,
    )  # fmt: skip
    return tf.WhisperForConditionalGeneration(config)


def bart() -> nn.Module:
    config = tf.BartConfig(
        vocab_size=128, d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=64,
    )  # fmt: skip
    return tf.BartForConditionalGeneration(config)


IDS = {"input_ids": ((2, 16), torch.int64), "attention_mask": ((2, 16), torch.int64)}
SEQ2SEQ = {**IDS, "decoder_input_ids": ((2, 8), torch.int64)}
CASES = {
    "hf_bert": Sound(bert, kwargs=IDS),
    "hf_gpt2": Sound(gpt2, kwargs=IDS),
    "hf_llama": Sound(llama, kwargs=IDS),
    "hf_t5": Sound(t5, kwargs=SEQ2SEQ),
    "hf_distilbert": Sound(distilbert, kwargs=IDS),
    "hf_vit": Sound(vit, kwargs={"pixel_values": ((2, 3, 32, 32), torch.float32)}),
    "hf_whisper": Sound(
        whisper,
        kwargs={
            "input_features": ((2, 16, 64), torch.float32),
            "decoder_input_ids": ((2, 8), torch.int64),
        },
    ),
    "hf_bart": Sound(bart, kwargs=SEQ2SEQ),
}
