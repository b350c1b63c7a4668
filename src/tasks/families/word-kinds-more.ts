/**
 * @module More word-problem kinds: losing some then buying packs, "twice as many" comparisons, legs and
 * wheels, saving every week then spending, sharing with the sharer included, "how many more", the price of
 * some items from a pack's price, and empty seats in rows.
 */
import type { Language, Rng } from "../problem.js";
import { CURRENCY, type Kind, otherPerson, person, say, thing, times } from "./word-parts.js";

/** A container of items: `$pack` in both languages. */
const PACKS: Record<Language, string[]> = {
  en: ["packs", "boxes", "bags"],
  pt: ["pacotes", "caixas", "saquinhos"],
};

/** Things with legs or wheels: plural, singular, how many, per language. */
const COUNTED: Record<"legs" | "wheels", Record<Language, [string, string, number][]>> = {
  legs: {
    en: [
      ["chickens", "chicken", 2],
      ["ducks", "duck", 2],
      ["cows", "cow", 4],
      ["dogs", "dog", 4],
      ["cats", "cat", 4],
      ["horses", "horse", 4],
      ["spiders", "spider", 8],
    ],
    pt: [
      ["galinhas", "galinha", 2],
      ["patos", "pato", 2],
      ["vacas", "vaca", 4],
      ["cachorros", "cachorro", 4],
      ["gatos", "gato", 4],
      ["cavalos", "cavalo", 4],
      ["aranhas", "aranha", 8],
    ],
  },
  wheels: {
    en: [
      ["bicycles", "bicycle", 2],
      ["motorbikes", "motorbike", 2],
      ["tricycles", "tricycle", 3],
      ["cars", "car", 4],
    ],
    pt: [
      ["bicicletas", "bicicleta", 2],
      ["motos", "moto", 2],
      ["triciclos", "triciclo", 3],
      ["carros", "carro", 4],
    ],
  },
};

/** Two kinds of the same category with different counts (the same index in both languages). */
function twoCounted(rng: Rng, category: "legs" | "wheels"): [number, number] {
  const n = COUNTED[category].en.length;
  for (;;) {
    const i = rng.int(0, n - 1);
    const j = rng.int(0, n - 1);
    if (COUNTED[category].en[i][2] !== COUNTED[category].en[j][2]) return [i, j];
  }
}

export const MORE_KINDS: Kind[] = [
  {
    // lose some, then buy packs: a - b, c × k, sum
    frames: {
      en: [
        "$name has $a $item. $He loses $b of them, then buys $c $pack of $k. How many $item does $he have now?",
        "How many $item does $name end up with if $he starts with $a, gives $b away and then buys $c $pack with $k in each?",
        "$name had $a $item but gave $b to a friend. Then $he bought $c $pack of $k $item each. {Find|Work out} how many $item $name has now.",
        "You have $a $item and lose $b. Then you get $c $pack, each holding $k. How many $item do you have now?",
        "On Monday $name counted $a $item. On Tuesday $b went missing, and on Wednesday $his {mother|father|aunt} brought $c $pack with $k $item in each. How many $item are there now?",
        "What is the number of $item $name has after starting with $a, losing $b and buying $c $pack of $k?",
        "If $name gives away $b of $his $a $item and then buys $c $pack of $k, how many $item does $he have?",
        "I had $a $item, lost $b and bought $c $pack of $k. how many $item do I have now",
      ],
      pt: [
        "$name tem $a $item. $Ele perde $b e depois compra $c $pack com $k cada. Com quant$os $item $ele fica?",
        "Com quant$os $item $name fica se começa com $a, dá $b e depois compra $c $pack de $k?",
        "$name tinha $a $item, mas deu $b para um amigo. Depois comprou $c $pack com $k $item em cada. {Descubra|Calcule} quant$os $item $name tem agora.",
        "Você tem $a $item e perde $b. Depois ganha $c $pack com $k em cada. Quant$os $item você tem agora?",
        "Na segunda, $name contou $a $item. Na terça, sumiram $b, e na quarta {a mãe|o pai|a tia} $dele trouxe $c $pack com $k $item cada. Quant$os $item há agora?",
        "Qual é o número de $item de $name depois de começar com $a, perder $b e comprar $c $pack de $k?",
        "Se $name dá $b d$os $a $item que tem e depois compra $c $pack de $k, com quant$os $ele fica?",
        "eu tinha $a $item, perdi $b e comprei $c $pack de $k. quant$os tenho agora",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const a = rng.int(5, 40);
      const b = rng.int(2, a - 1);
      const c = rng.int(2, 5);
      const k = rng.int(2, 12);
      const it = thing(rng, language);
      const pack = rng.pick(PACKS[language]);
      const left = a - b;
      const bought = c * k;
      const r = left + bought;
      return {
        vars: { ...person(rng, language).vars, ...it.vars, a, b, c, k, pack },
        steps: [
          t(`Take away ${b}: ${a} - ${b} = ${left}.`, `Tira ${b}: ${a} - ${b} = ${left}.`),
          t(`${c} ${pack} of ${k}: ${times(c, k)}.`, `${c} ${pack} de ${k}: ${times(c, k)}.`),
          t(`Add them: ${left} + ${bought} = ${r}.`, `Somando: ${left} + ${bought} = ${r}.`),
        ],
        result: r,
        answer: t(`There are ${r} ${it.plural} now.`, `Agora são ${r} ${it.plural}.`),
      };
    },
  },
  {
    // "twice / three times / four times as many", then both together
    frames: {
      en: [
        "$name has $a $item. $other has $mult as many. How many $item do they have together?",
        "How many $item do $name and $other have altogether, if $name has $a and $other has $mult as many?",
        "$other has $mult as many $item as $name, who has $a. {Find|Work out} how many $item the two of them have in total.",
        "You have $a $item and your friend $other has $mult as many as you. How many do you both have together?",
        "$name and $other collect $item. $name's collection has $a, and $other's is $mult as big. How many $item are there in both collections?",
        "What is the total number of $item if $name owns $a and $other owns $mult that number?",
        "If $other has $mult as many $item as $name and $name has $a, how many do the two have in all?",
        "$name: $a $item. $other: $mult as many. total?",
      ],
      pt: [
        "$name tem $a $item. $other tem $mult dessa quantidade. Quant$os $item $name e $other têm ao todo?",
        "Quant$os $item $name e $other têm no total, se $name tem $a e $other tem $mult disso?",
        "$other tem $mult d$os $item de $name, que tem $a. {Descubra|Calcule} quant$os $item há ao todo, somando $name e $other.",
        "Você tem $a $item e $amigo $other tem $mult do que você tem. Quant$os vocês têm ao todo?",
        "$name e $other colecionam $item. A coleção de $name tem $a, e a de $other tem $mult disso. Quant$os $item há nas duas coleções?",
        "Qual é o total de $item se $name tem $a e $other tem $mult dessa quantidade?",
        "Se $other tem $mult do que $name tem, e $name tem $a $item, quant$os $item há ao todo?",
        "$name: $a $item. $other: $mult disso. total?",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const m = rng.int(2, 4);
      const a = rng.int(3, 30);
      const b = a * m;
      const total = a + b;
      const it = thing(rng, language);
      const first = person(rng, language);
      const second = otherPerson(rng, language, first.name);
      const mult = t(
        ["twice", "three times", "four times"][m - 2],
        ["o dobro", "o triplo", "o quádruplo"][m - 2],
      );
      return {
        vars: { ...first.vars, ...second.vars, ...it.vars, a, mult },
        steps: [
          t(
            `${second.name} has ${m} times ${a}: ${times(a, m)}.`,
            `${second.name} tem ${m} vezes ${a}: ${times(a, m)}.`,
          ),
          t(`Together: ${a} + ${b} = ${total}.`, `Juntando: ${a} + ${b} = ${total}.`),
        ],
        result: total,
        answer: t(`In all there are ${total} ${it.plural}.`, `Ao todo são ${total} ${it.plural}.`),
      };
    },
  },
  {
    // legs or wheels: a × la + b × lb
    frames: {
      en: [
        "There are $a $thingA and $b $thingB $place. How many $part are there {in total|altogether}?",
        "How many $part do $a $thingA and $b $thingB have {in total|altogether}?",
        "$name counts $a $thingA and $b $thingB $place. {Find|Work out} the total number of $part.",
        "You see $a $thingA and $b $thingB $place. How many $part can you count?",
        "$name {visits|walks around} $place2. $He sees $a $thingA and $b $thingB there. How many $part is that?",
        "What is the total number of $part on $a $thingA and $b $thingB?",
        "If each $oneA has $na $part and each $oneB has $nb, how many $part do $a $thingA and $b $thingB have?",
        "$a $thingA and $b $thingB: how many $part in all",
      ],
      pt: [
        "Há $a $thingA e $b $thingB $place. Quantas $part há {no total|ao todo}?",
        "Quantas $part têm $a $thingA e $b $thingB {no total|ao todo}?",
        "$name conta $a $thingA e $b $thingB $place. {Descubra|Calcule} o total de $part.",
        "Você vê $a $thingA e $b $thingB $place. Quantas $part você consegue contar?",
        "$name {visita|passeia por} $place2. $Ele vê $a $thingA e $b $thingB por lá. Quantas $part são?",
        "Qual é o número total de $part de $a $thingA e $b $thingB?",
        "Se cada $oneA tem $na $part e cada $oneB tem $nb, quantas $part têm $a $thingA e $b $thingB?",
        "$a $thingA e $b $thingB: quantas $part ao todo",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const category = rng.pick(["legs", "wheels"] as const);
      const [i, j] = twoCounted(rng, category);
      const [thingA, oneA, na] = COUNTED[category][language][i];
      const [thingB, oneB, nb] = COUNTED[category][language][j];
      const a = rng.int(2, 15);
      const b = rng.int(2, 15);
      const pa = a * na;
      const pb = b * nb;
      const total = pa + pb;
      const legs = category === "legs";
      const part = t(legs ? "legs" : "wheels", legs ? "patas" : "rodas");
      const place = t(legs ? "on the farm" : "in the parking lot", legs ? "na fazenda" : "no estacionamento");
      const place2 = t(legs ? "a farm" : "a parking lot", legs ? "uma fazenda" : "um estacionamento");
      const each = (n: number, one: string, k: number) =>
        t(`Each ${one} has ${k} ${part}: ${times(n, k)}.`, `Cada ${one} tem ${k} ${part}: ${times(n, k)}.`);
      return {
        vars: {
          ...person(rng, language).vars,
          a,
          b,
          thingA,
          thingB,
          oneA,
          oneB,
          na,
          nb,
          part,
          place,
          place2,
        },
        steps: [
          each(a, oneA, na),
          each(b, oneB, nb),
          t(`Together: ${pa} + ${pb} = ${total}.`, `Juntando: ${pa} + ${pb} = ${total}.`),
        ],
        result: total,
        answer: t(`There are ${total} ${part}.`, `São ${total} ${part}.`),
      };
    },
  },
  {
    // savings: start + s × w, then spend x
    frames: {
      en: [
        "$name has $i $cur. $He saves $s $cur every week for $w weeks, then spends $x $cur on $gift. How much money does $he have left?",
        "How much money is left if $name starts with $i $cur, saves $s $cur a week for $w weeks and then spends $x $cur?",
        "$name puts $s $cur in a piggy bank each week for $w weeks. There were already $i $cur in it. Then $he takes out $x $cur for $gift. {Find|Work out} how much is left in the piggy bank.",
        "You have $i $cur and save $s $cur each week for $w weeks. Then you buy $gift for $x $cur. How much do you have now?",
        "$name wants $gift. $He already has $i $cur and adds $s $cur every week. After $w weeks $he buys it for $x $cur. How much money remains?",
        "What is left of $name's savings after starting with $i $cur, adding $s $cur a week for $w weeks and spending $x $cur?",
        "If $name saves $s $cur per week for $w weeks on top of $i $cur, and then spends $x $cur, how much money does $he still have?",
        "$i $cur saved, then $s more each week for $w weeks, then $x spent on $gift. what's left",
      ],
      pt: [
        "$name tem $i $cur. $Ele guarda $s $cur por semana durante $w semanas e depois gasta $x $cur em $gift. Quanto dinheiro $ele ainda tem?",
        "Quanto dinheiro sobra se $name começa com $i $cur, guarda $s $cur por semana durante $w semanas e depois gasta $x $cur?",
        "$name coloca $s $cur no cofrinho toda semana durante $w semanas. Já havia $i $cur lá dentro. Depois $ele tira $x $cur para comprar $gift. {Descubra|Calcule} quanto sobra no cofrinho.",
        "Você tem $i $cur e guarda $s $cur por semana durante $w semanas. Depois compra $gift por $x $cur. Quanto você tem agora?",
        "$name quer comprar $gift. $Ele já tem $i $cur e junta mais $s $cur toda semana. Depois de $w semanas, faz a compra por $x $cur. Quanto dinheiro sobra?",
        "Quanto resta das economias de $name depois de começar com $i $cur, juntar $s $cur por semana durante $w semanas e gastar $x $cur?",
        "Se $name guarda $s $cur por semana durante $w semanas, além dos $i $cur que já tem, e depois gasta $x $cur, quanto dinheiro $ele ainda tem?",
        "eu tinha $i $cur, guardei $s por semana durante $w semanas e gastei $x em $gift. quanto sobrou",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const i = rng.int(2, 40);
      const s = rng.int(2, 25);
      const w = rng.int(2, 9);
      const saved = s * w;
      const total = i + saved;
      const x = rng.int(2, total - 2);
      const r = total - x;
      const cur = CURRENCY[language];
      const gift = t(
        rng.pick(["a game", "a ball", "a book", "a present", "a kite"]),
        rng.pick(["um jogo", "uma bola", "um livro", "um presente", "uma pipa"]),
      );
      return {
        vars: { ...person(rng, language).vars, i, s, w, x, cur, gift },
        steps: [
          t(
            `${s} a week for ${w} weeks: ${times(s, w)}.`,
            `${s} por semana durante ${w} semanas: ${times(s, w)}.`,
          ),
          t(
            `With the ${i} from the start: ${i} + ${saved} = ${total}.`,
            `Com os ${i} do começo: ${i} + ${saved} = ${total}.`,
          ),
          t(`After spending ${x}: ${total} - ${x} = ${r}.`, `Depois de gastar ${x}: ${total} - ${x} = ${r}.`),
        ],
        result: r,
        answer: t(`There are ${r} ${cur} left.`, `Sobram ${r} ${cur}.`),
      };
    },
  },
  {
    // sharing with the sharer included: (a - k) ÷ (f + 1)
    frames: {
      en: [
        "$name has $a $item. $He keeps $k for later and shares the rest equally between $himself and $f friends. How many $item does each of them get?",
        "How many $item does each person get if $name puts $k of $his $a $item aside and splits the rest equally between $himself and $f friends?",
        "$name and $f friends share some $item. $name has $a, puts $k aside first, and then everyone, $name included, gets the same number. {Find|Work out} how many each one gets.",
        "You have $a $item. You set $k aside and share the others equally between you and $f friends. How many does each of you get?",
        "After a party $name has $a $item. $He saves $k for $his {sister|brother} and divides the rest equally among $himself and $f {friends|cousins}. How many $item does each one get?",
        "What share does each person get when $name sets aside $k of $a $item and divides the rest evenly among $himself and $f friends?",
        "If $name puts $k of $his $a $item aside and shares the rest fairly with $f friends, keeping a share too, how many does each get?",
        "$a $item, I keep $k, the rest split between me and $f friends. how many each",
      ],
      pt: [
        "$name tem $a $item. $Ele guarda $k para depois e divide o resto igualmente entre $ele e $f amigos. Quant$os $item cada um recebe?",
        "Quant$os $item cada um ganha se $name separa $k d$os $a $item que tem e divide o resto igualmente entre $ele e $f amigos?",
        "$name e $f amigos vão dividir $item. $name tem $a, separa $k antes, e depois todos, incluindo $name, recebem a mesma quantidade. {Descubra|Calcule} quant$os cada um recebe.",
        "Você tem $a $item. Separa $k e divide o resto igualmente entre você e $f amigos. Quant$os cada um de vocês recebe?",
        "Depois de uma festa, $name tem $a $item. $Ele guarda $k para {a irmã|o irmão} e divide o resto igualmente entre $ele e $f {amigos|primos}. Quant$os $item cada um recebe?",
        "Qual é a parte de cada um quando $name separa $k de $a $item e reparte o resto igualmente entre $ele e $f amigos?",
        "Se $name separa $k d$os $a $item e reparte o resto igualmente com $f amigos, ficando também com uma parte, quant$os cada um recebe?",
        "tenho $a $item, guardo $k e divido o resto entre mim e $f amigos. quant$os pra cada",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const f = rng.int(2, 5);
      const n = f + 1;
      const each = rng.int(2, 9);
      const k = rng.int(2, 12);
      const rest = n * each;
      const a = rest + k;
      const it = thing(rng, language);
      return {
        vars: { ...person(rng, language).vars, ...it.vars, a, k, f },
        steps: [
          t(`Set aside ${k}: ${a} - ${k} = ${rest}.`, `Separa ${k}: ${a} - ${k} = ${rest}.`),
          t(
            `${f} friends plus the one sharing: ${f} + 1 = ${n} people.`,
            `${f} amigos mais quem divide: ${f} + 1 = ${n} pessoas.`,
          ),
          t(
            `Shared by ${n}: ${rest} ÷ ${n} = ${each}.`,
            `Divid${it.os} entre ${n}: ${rest} ÷ ${n} = ${each}.`,
          ),
        ],
        result: each,
        answer: t(`Each one gets ${each} ${it.plural}.`, `Cada um recebe ${each} ${it.plural}.`),
      };
    },
  },
  {
    // how many more: c × k against m
    frames: {
      en: [
        "$name has $c $pack of $item with $k in each. $other has $m $item. How many more $item does $name have than $other?",
        "How many more $item does $name have than $other, if $name has $c $pack of $k and $other has $m?",
        "$other has $m $item. $name has $c $pack with $k $item in each. {Find|Work out} the difference between them.",
        "You have $c $pack of $item, $k in each. Your friend $other has $m. How many more do you have?",
        "$name and $other are comparing $item. $name brought $c $pack holding $k each, while $other brought $m loose ones. How many fewer does $other have?",
        "What is the difference between $c $pack of $k $item and $m $item?",
        "If $name has $c $pack of $k $item and $other has $m, how many $item does $other need to catch up with $name?",
        "$name: $c $pack of $k $item. $other: $m $item. how many more does $name have",
      ],
      pt: [
        "$name tem $c $pack de $item com $k em cada. $other tem $m $item. Quant$os $item $name tem a mais que $other?",
        "Quant$os $item $name tem a mais que $other, se $name tem $c $pack de $k e $other tem $m?",
        "$other tem $m $item. $name tem $c $pack com $k $item em cada. {Descubra|Calcule} a diferença entre o que $name tem e o que $other tem.",
        "Você tem $c $pack de $item, com $k em cada. $Amigo $other tem $m. Quant$os você tem a mais?",
        "$name e $other estão comparando $item. $name trouxe $c $pack com $k cada, e $other trouxe $m solt$os. Quant$os $other tem a menos?",
        "Qual é a diferença entre $c $pack de $k $item e $m $item?",
        "Se $name tem $c $pack de $k $item e $other tem $m, quant$os $item faltam para $other alcançar $name?",
        "$name: $c $pack de $k $item. $other: $m $item. quant$os $name tem a mais",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const c = rng.int(2, 6);
      const k = rng.int(3, 12);
      const ck = c * k;
      const m = rng.int(2, ck - 2);
      const d = ck - m;
      const it = thing(rng, language);
      const pack = rng.pick(PACKS[language]);
      const first = person(rng, language);
      const second = otherPerson(rng, language, first.name);
      return {
        vars: { ...first.vars, ...second.vars, ...it.vars, c, k, m, pack },
        steps: [
          t(`${c} ${pack} of ${k}: ${times(c, k)}.`, `${c} ${pack} de ${k}: ${times(c, k)}.`),
          t(`The difference: ${ck} - ${m} = ${d}.`, `A diferença: ${ck} - ${m} = ${d}.`),
        ],
        result: d,
        answer: t(`The difference is ${d} ${it.plural}.`, `A diferença é de ${d} ${it.plural}.`),
      };
    },
  },
  {
    // a pack's price gives one item's price: P ÷ n, then × k
    frames: {
      en: [
        "A pack of $n $item costs $P $cur. How much do $k $item cost at the same price each?",
        "How much would $k $item cost if a pack of $n costs $P $cur?",
        "$n $item cost $P $cur {together|in one pack}. {Find|Work out} the price of $k of them.",
        "You pay $P $cur for $n $item. What would you pay for $k at the same price each?",
        "At the shop $name sees that $n $item cost $P $cur. $He only needs $k. If each one has the same price, how much does $he pay?",
        "What is the cost of $k $item when $n of them sell for $P $cur?",
        "If $P $cur buys $n $item, how many $cur do $k $item cost?",
        "$n $item = $P $cur. price of $k $item",
      ],
      pt: [
        "Um pacote com $n $item custa $P $cur. Quanto custam $k $item, pagando o mesmo preço por unidade?",
        "Quanto custariam $k $item se um pacote com $n custa $P $cur?",
        "$n $item custam $P $cur {no total|num pacote}. {Descubra|Calcule} o preço de $k $item.",
        "Você paga $P $cur por $n $item. Quanto pagaria por $k, com o mesmo preço cada?",
        "Na loja, $name vê que $n $item custam $P $cur. $Ele só precisa de $k. Se cada $um custa o mesmo, quanto $ele paga?",
        "Qual é o custo de $k $item quando $n custam $P $cur?",
        "Se com $P $cur se compram $n $item, quantos $cur custam $k $item?",
        "$n $item = $P $cur. preço de $k $item",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const n = rng.int(2, 10);
      const u = rng.int(2, 9);
      const P = n * u;
      let k = rng.int(2, 12);
      if (k === n) k = n === 12 ? 11 : n + 1;
      const cost = k * u;
      const it = thing(rng, language);
      const cur = CURRENCY[language];
      return {
        vars: { ...person(rng, language).vars, ...it.vars, n, P, k, cur },
        steps: [
          t(`One ${it.one}: ${P} ÷ ${n} = ${u}.`, `Cada ${it.one}: ${P} ÷ ${n} = ${u}.`),
          t(`${k} ${it.plural}: ${times(k, u)}.`, `${k} ${it.plural}: ${times(k, u)}.`),
        ],
        result: cost,
        answer: t(`${k} ${it.plural} cost ${cost} ${cur}.`, `${k} ${it.plural} custam ${cost} ${cur}.`),
      };
    },
  },
  {
    // empty seats: r × c - t
    frames: {
      en: [
        "A hall has $r rows of $c chairs. $t people sit down. How many chairs are still empty?",
        "How many seats are free if a theater has $r rows with $c seats each and $t are taken?",
        "In a classroom the chairs are set out in $r rows of $c. $t students come in and each takes a chair. {Find|Work out} how many chairs are left empty.",
        "You set up $r rows of $c chairs for a show, and $t guests arrive and sit down. How many empty chairs do you have?",
        "For $name's birthday party, $his {mother|father} puts out $r rows of $c chairs. Only $t guests sit down. How many chairs stay empty?",
        "What is the number of empty seats in a cinema with $r rows of $c seats when $t people are sitting?",
        "If a cinema has $r rows with $c seats in each row and $t tickets are sold, how many seats are left?",
        "$r rows of $c seats, $t taken. empty seats?",
      ],
      pt: [
        "Um salão tem $r fileiras de $c cadeiras. $t pessoas se sentam. Quantas cadeiras ainda estão vazias?",
        "Quantos lugares estão livres se um teatro tem $r fileiras com $c lugares cada e $t estão ocupados?",
        "Numa sala de aula, as cadeiras estão em $r fileiras de $c. Entram $t alunos e cada um ocupa uma cadeira. {Descubra|Calcule} quantas cadeiras ficam vazias.",
        "Você arruma $r fileiras de $c cadeiras para um show, e $t convidados chegam e se sentam. Quantas cadeiras ficam vazias?",
        "Para a festa de aniversário de $name, {a mãe|o pai} $dele coloca $r fileiras de $c cadeiras. Só $t convidados se sentam. Quantas cadeiras sobram vazias?",
        "Qual é o número de lugares vazios num cinema com $r fileiras de $c lugares quando $t pessoas estão sentadas?",
        "Se um cinema tem $r fileiras com $c poltronas em cada e $t ingressos foram vendidos, quantas poltronas sobram?",
        "$r fileiras de $c lugares, $t ocupados. lugares vazios?",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const r = rng.int(3, 9);
      const c = rng.int(4, 15);
      const seats = r * c;
      const taken = rng.int(2, seats - 2);
      const empty = seats - taken;
      return {
        vars: { ...person(rng, language).vars, r, c, t: taken },
        steps: [
          t(`${r} rows of ${c}: ${times(r, c)}.`, `${r} fileiras de ${c}: ${times(r, c)}.`),
          t(
            `Minus the ${taken} taken: ${seats} - ${taken} = ${empty}.`,
            `Menos ${taken} ocupados: ${seats} - ${taken} = ${empty}.`,
          ),
        ],
        result: empty,
        answer: t(`${empty} seats are empty.`, `Ficam ${empty} lugares vazios.`),
      };
    },
  },
];
