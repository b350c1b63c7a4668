/**
 * @module `rio tasks`: the problem families behind rio-nano and `rio eval`. `show` prints problems of a
 * split; `tokenizer` trains the byte-level BPE on the training mix; `export` writes the training mix as
 * token ids with the masks train/train_nano.py reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { swirVocab } from "../../decoding/index.js";
import { FAMILIES, type FamilyName, problems, SPLITS, type Split } from "../../tasks/index.js";
import { qwen3TokenizerDir, qwen3TokenizerFiles, RioTokenizer, trainBpe } from "../../tokenizer/index.js";
import {
  logitPromptChats,
  singleTokenWords,
  tokenizerTexts,
  trainingChats,
  trainingMeta,
  trainingRecord,
} from "../nano-data.js";
import { integerParser, listOf, numberParser, oneOf } from "../parsers.js";

/** SwiReasoning mixes this entry's row into its first latent input; a corpus without LaTeX never forms it. */
const REQUIRED_TOKENS = ["\\n"];

interface ExportFlags {
  tokenizer: string;
  out: string;
  count: number;
  start: number;
  echoShare: number;
  families?: FamilyName[];
}

export function register(program: Command): void {
  const tasks = program.command("tasks").description("the problem families behind rio-nano and rio eval");
  tasks
    .command("show")
    .description("print problems of a split with their worked solutions")
    .option("--split <split>", SPLITS.join(" | "), oneOf(SPLITS), "test")
    .option("--family <name>", FAMILIES.join(" | "), oneOf(FAMILIES))
    .option("-n, --count <n>", "how many", integerParser(1), 6)
    .option("--json", "one JSON object per problem")
    .action((flags: { split: Split; family?: FamilyName; count: number; json?: boolean }) => {
      const list = problems(flags.split, flags.count, flags.family ? { families: [flags.family] } : {});
      for (const p of list) {
        if (flags.json) process.stdout.write(`${JSON.stringify(p)}\n`);
        else
          process.stdout.write(
            `# ${p.id} (${p.language}, template ${p.template})\n${p.question}\n<think>\n${p.reasoning}\n</think>\n${p.answer}\n\n`,
          );
      }
    });
  tasks
    .command("tokenizer")
    .description(
      "train rio-nano's byte-level BPE on the training mix; writes tokenizer.json and tokenizer_config.json",
    )
    .requiredOption("--out <dir>", "output folder")
    .option("--vocab <n>", "vocabulary size, Qwen3's 26 added tokens included", integerParser(512), 2048)
    .option("--chats <n>", "conversations of the mix to learn from", integerParser(1), 40000)
    .action((flags: { out: string; vocab: number; chats: number }) => {
      const template = RioTokenizer.fromDir(qwen3TokenizerDir());
      const bpe = trainBpe(tokenizerTexts(trainingChats(flags.chats), template), {
        vocabSize: flags.vocab - 26,
        required: REQUIRED_TOKENS,
      });
      const files = qwen3TokenizerFiles(bpe);
      fs.mkdirSync(flags.out, { recursive: true });
      fs.writeFileSync(path.join(flags.out, "tokenizer.json"), JSON.stringify(files.tokenizerJson));
      fs.writeFileSync(
        path.join(flags.out, "tokenizer_config.json"),
        JSON.stringify(files.tokenizerConfig, null, 2),
      );
      process.stderr.write(`${flags.out}: ${files.vocabSize} tokens (${bpe.merges.length} merges)\n`);
    });
  tasks
    .command("export")
    .description("write conversations of the training mix as token ids and masks (JSON lines), for train/")
    .requiredOption("--tokenizer <dir>", "folder with tokenizer.json and tokenizer_config.json")
    .requiredOption("--out <file>", "output .jsonl (a .meta.json beside it holds the special ids)")
    .option("--count <n>", "conversations", integerParser(1), 100000)
    .option("--start <n>", "index of the first conversation", integerParser(0), 0)
    .option(
      "--echo-share <p>",
      "share of echo conversations (copying practice, over the tokenizer's single-token words) in the mix",
      numberParser(0, 0.96),
      0,
    )
    .option(
      "--families <names>",
      `problem families of the mix, comma-separated (${FAMILIES.join(", ")})`,
      listOf(oneOf(FAMILIES)),
    )
    .action((flags: ExportFlags) => {
      const tokenizer = RioTokenizer.fromDir(flags.tokenizer);
      const { mathIds } = swirVocab(tokenizer);
      const out = fs.openSync(flags.out, "w");
      let tokens = 0;
      for (const chat of trainingChats(
        flags.count,
        flags.start,
        {
          share: flags.echoShare,
          words: singleTokenWords(tokenizer),
        },
        flags.families,
      )) {
        const record = trainingRecord(tokenizer, chat, mathIds);
        tokens += record.ids.length;
        fs.writeSync(out, `${JSON.stringify(record)}\n`);
      }
      fs.closeSync(out);
      fs.writeFileSync(
        `${flags.out.replace(/\.jsonl$/, "")}.meta.json`,
        JSON.stringify(trainingMeta(tokenizer)),
      );
      process.stderr.write(`${flags.out}: ${flags.count} conversations, ${tokens} tokens\n`);
    });
  tasks
    .command("logit-prompts")
    .description("write the token ids of the conversations whose PyTorch logits ship with rio-nano")
    .requiredOption("--model <dir>", "the checkpoint (its tokenizer renders the conversations)")
    .requiredOption("--out <file>", "output JSON {prompts: [[ids...], ...]}")
    .action((flags: { model: string; out: string }) => {
      const tokenizer = RioTokenizer.fromDir(flags.model);
      const prompts = logitPromptChats().map((chat) =>
        tokenizer.encodeChat(chat.messages, { tools: chat.tools, addGenerationPrompt: false }),
      );
      fs.writeFileSync(flags.out, JSON.stringify({ prompts }));
    });
}
