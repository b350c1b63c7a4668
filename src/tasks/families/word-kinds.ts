/**
 * @module The first word-problem kinds: total cost, change, items gained and given away, a speed for some
 * hours plus a distance, sharing equally after some are set aside, and ages.
 */
import { CURRENCY, extra, type Kind, otherPerson, person, say, thing, times } from "./word-parts.js";

export const FIRST_KINDS: Kind[] = [
  {
    // total cost: n items at p each, plus one extra thing
    frames: {
      en: [
        "$name buys $n $item at $p $cur each and $extra for $q $cur. How much does $he spend {in total|altogether}?",
        "How much does $name {pay|spend} {in total|altogether} for $n $item at $p $cur each and $extra that costs $q $cur?",
        "{Find|Work out} the total cost: $n $item at $p $cur {each|apiece}, plus $extra for $q $cur.",
        "You pick up $n $item that cost $p $cur each, and $extra for $q $cur. {What is your bill|How much do you pay at the till}?",
        "$name is getting ready for school. $He {buys|gets} $n $item, each one for $p $cur, and $extra that costs $q $cur. How much money does $he spend?",
        "What is the {total|full} price of $n $item at $p $cur each together with $extra at $q $cur?",
        "If one $item1 costs $p $cur and $extra costs $q $cur, how much do $n $item and $extra cost {together|in all}?",
        "$n $item at $p $cur each plus $extra at $q $cur, how much is that altogether",
      ],
      pt: [
        "$name compra $n $item a $p $cur cada e $extra por $q $cur. Quanto $ele gasta {no total|ao todo}?",
        "Quanto $name {paga|gasta} {no total|ao todo} por $n $item de $p $cur cada e $extra de $q $cur?",
        "{Calcule|Descubra} o total: $n $item a $p $cur cada, mais $extra por $q $cur.",
        "Você leva $n $item que custam $p $cur cada e $extra de $q $cur. Quanto você paga no caixa?",
        "$name está se preparando para as aulas. $Ele {compra|leva} $n $item, cada $um por $p $cur, e $extra que custa $q $cur. Quanto dinheiro $ele gasta?",
        "Qual é o preço {total|final} de $n $item a $p $cur cada junto com $extra de $q $cur?",
        "Se $um $item1 custa $p $cur e $extra custa $q $cur, quanto custam $n $item e $extra {no total|ao todo}?",
        "$n $item a $p $cur cada mais $extra a $q $cur, quanto dá tudo",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const n = rng.int(2, 9);
      const p = rng.int(2, 20);
      const q = rng.int(2, 20);
      const it = thing(rng, language);
      const ex = extra(rng, language);
      const cur = CURRENCY[language];
      const np = n * p;
      const total = np + q;
      return {
        vars: { ...person(rng, language).vars, ...it.vars, n, p, q, cur, extra: ex.a },
        steps: [
          t(
            `${n} ${it.plural} at ${p} each: ${times(n, p)}.`,
            `${n} ${it.plural} a ${p} cada: ${times(n, p)}.`,
          ),
          t(
            `Plus ${q} for ${ex.the}: ${np} + ${q} = ${total}.`,
            `Mais ${q} d${ex.the}: ${np} + ${q} = ${total}.`,
          ),
        ],
        result: total,
        answer: t(`The total is ${total} ${cur}.`, `O total é ${total} ${cur}.`),
      };
    },
  },
  {
    // change from a note
    frames: {
      en: [
        "$name buys $n $item at $p $cur each and pays with a $b-dollar {note|bill}. How much change does $he get?",
        "How much change does $name get from a $b-dollar {note|bill} after buying $n $item at $p $cur each?",
        "$name has $b $cur. $He buys $n $item that cost $p $cur each. {Find|Work out} how much money $he has left.",
        "You hand the cashier $b $cur for $n $item priced at $p $cur each. How much should you get back?",
        "At the market one $item1 costs $p $cur. $name {takes|chooses} $n and pays with $b $cur. What is $his change?",
        "What change is due from $b $cur when $n $item cost $p $cur each?",
        "If $name pays $b $cur for $n $item at $p $cur each, how much money comes back?",
        "change from $b $cur for $n $item at $p $cur each?",
      ],
      pt: [
        "$name compra $n $item a $p $cur cada e paga com uma nota de $b $cur. Quanto $ele recebe de troco?",
        "Quanto de troco $name recebe de uma nota de $b $cur depois de comprar $n $item a $p $cur cada?",
        "$name tem $b $cur. $Ele compra $n $item que custam $p $cur cada. {Descubra|Calcule} quanto dinheiro sobra.",
        "Você entrega $b $cur no caixa por $n $item de $p $cur cada. Quanto você deve receber de volta?",
        "Na feira, cada $item1 custa $p $cur. $name {leva|escolhe} $n e paga com $b $cur. Qual é o troco?",
        "Qual é o troco de $b $cur numa compra de $n $item a $p $cur cada?",
        "Se $name paga $b $cur por $n $item a $p $cur cada, quanto volta de troco?",
        "troco de $b $cur pra $n $item de $p $cur cada?",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const n = rng.int(2, 9);
      const p = rng.int(2, 15);
      const cost = n * p;
      const b = [10, 20, 50, 100, 200].find((x) => x >= cost + 2) as number;
      const it = thing(rng, language);
      const cur = CURRENCY[language];
      return {
        vars: { ...person(rng, language).vars, ...it.vars, n, p, b, cur },
        steps: [
          t(
            `${n} ${it.plural} at ${p} each cost ${times(n, p)}.`,
            `${n} ${it.plural} a ${p} cada custam ${times(n, p)}.`,
          ),
          t(
            `Change from ${b}: ${b} - ${cost} = ${b - cost}.`,
            `Troco de ${b}: ${b} - ${cost} = ${b - cost}.`,
          ),
        ],
        result: b - cost,
        answer: t(`The change is ${b - cost} ${cur}.`, `O troco é ${b - cost} ${cur}.`),
      };
    },
  },
  {
    // items gained and given away
    frames: {
      en: [
        "$name has $a $item. $He {gets|is given|wins} $b more, and then gives $c away. How many $item does $name have now?",
        "How many $item are left if $name starts with $a, finds $b more and loses $c?",
        "$name had $a $item. A friend gave $him $b more, and later $he gave $c to $his {sister|brother|cousin}. {Find|Work out} how many $item $name has now.",
        "You have $a $item. Someone gives you $b more, then you lose $c. How many do you have left?",
        "There are $a $item in a box. $name puts in $b more, and later $c are taken out. How many $item are in the box now?",
        "What is the number of $item $name has after starting with $a, getting $b and giving away $c?",
        "If $name collects $a $item, then $b more, and gives $c to $his friends, how many does $he keep?",
        "started with $a $item, got $b more, gave away $c. how many now",
      ],
      pt: [
        "$name tem $a $item. $Ele {ganha|recebe} mais $b e depois dá $c. Com quant$os $item $name fica?",
        "Quant$os $item sobram se $name começa com $a, acha mais $b e perde $c?",
        "$name tinha $a $item. Um amigo deu mais $b para $ele, e depois $ele deu $c para {a irmã|o irmão|a prima}. {Descubra|Calcule} com quant$os $item $name ficou.",
        "Você tem $a $item. Alguém te dá mais $b e depois você perde $c. Com quant$os você fica?",
        "Há $a $item numa caixa. $name coloca mais $b, e depois tiram $c. Quant$os $item ficam na caixa?",
        "Qual é o número de $item de $name depois de começar com $a, ganhar $b e dar $c?",
        "Se $name junta $a $item, depois mais $b, e dá $c para os amigos, com quant$os $ele fica?",
        "começou com $a $item, ganhou $b, deu $c. quant$os sobraram",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const a = rng.int(5, 60);
      const b = rng.int(2, 30);
      const c = rng.int(2, a + b - 2);
      const it = thing(rng, language);
      const r = a + b - c;
      return {
        vars: { ...person(rng, language).vars, ...it.vars, a, b, c },
        steps: [
          t(
            `Start with ${a} and add ${b}: ${a} + ${b} = ${a + b}.`,
            `Começa com ${a} e soma ${b}: ${a} + ${b} = ${a + b}.`,
          ),
          t(`Then ${c} go away: ${a + b} - ${c} = ${r}.`, `Depois saem ${c}: ${a + b} - ${c} = ${r}.`),
        ],
        result: r,
        answer: t(`There are ${r} ${it.plural} left.`, `Ficam ${r} ${it.plural}.`),
      };
    },
  },
  {
    // a speed for some hours, then extra distance
    frames: {
      en: [
        "A car drives at $s km per hour for $h hours and then $d km more. How far does it go in total?",
        "How many km does $name ride if $he cycles $s km each hour for $h hours and then another $d km?",
        "A bus covers $s km in one hour. It travels for $h hours and then $d km more. {Find|Work out} the total distance.",
        "You drive for $h hours at $s km an hour, then $d km more to get home. How far did you drive?",
        "$name {visits|goes to see} $his grandparents. The train runs at $s km per hour for $h hours, and then $name takes a taxi for $d km. How long is the whole trip in km?",
        "What distance does a truck cover going $s km per hour for $h hours and then $d km further?",
        "If a boat sails $s km every hour for $h hours and then $d km more, how many km does it sail in all?",
        "$h hours at $s km/h, then $d km more: total distance in km?",
      ],
      pt: [
        "Um carro anda a $s km por hora durante $h horas e depois mais $d km. Quanto ele anda no total?",
        "Quantos km $name percorre se pedala $s km por hora durante $h horas e depois mais $d km?",
        "Um ônibus percorre $s km em uma hora. Ele viaja $h horas e depois mais $d km. {Calcule|Descubra} a distância total.",
        "Você dirige $h horas a $s km por hora e depois mais $d km até chegar em casa. Quantos km você dirigiu?",
        "$name vai visitar os avós. O trem anda a $s km por hora durante $h horas, e depois $name pega um táxi por mais $d km. Quantos km tem a viagem toda?",
        "Qual é a distância que um caminhão percorre a $s km por hora durante $h horas e depois mais $d km?",
        "Se um barco navega $s km a cada hora durante $h horas e depois mais $d km, quantos km ele navega ao todo?",
        "$h horas a $s km/h e depois mais $d km: quantos km no total",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const s = rng.int(4, 90);
      const h = rng.int(2, 6);
      const d = rng.int(2, 50);
      const sh = s * h;
      const total = sh + d;
      return {
        vars: { ...person(rng, language).vars, s, h, d },
        steps: [
          t(
            `${h} hours at ${s} km per hour: ${times(s, h)} km.`,
            `${h} horas a ${s} km por hora: ${times(s, h)} km.`,
          ),
          t(`Plus ${d} km: ${sh} + ${d} = ${total} km.`, `Mais ${d} km: ${sh} + ${d} = ${total} km.`),
        ],
        result: total,
        answer: t(`The total distance is ${total} km.`, `A distância total é ${total} km.`),
      };
    },
  },
  {
    // some set aside first, the rest shared equally
    frames: {
      en: [
        "$name has $a $item and uses $e of them. The rest are shared equally among $n friends. How many does each friend get?",
        "How many $item does each kid get if $a $item are split evenly between $n kids after $e are {lost|put away}?",
        "$n people share $a $item equally, but first $e are put aside. {Find|Work out} how many $item each person gets.",
        "You have $a $item. You give $e to your teacher and split the rest equally among $n friends. How many does each friend get?",
        "A teacher has $a $item, keeps $e in the cupboard, and hands out the rest equally to $n students. How many does each student get?",
        "What is each person's share when $e of $a $item are set aside and the rest go equally to $n people?",
        "If $name puts $e of $his $a $item in a drawer and shares the rest fairly among $n children, how many does each child get?",
        "$a $item, $e set aside, the rest split equally between $n. how many each",
      ],
      pt: [
        "$name tem $a $item e usa $e. O resto é dividido igualmente entre $n amigos. Quant$os cada amigo recebe?",
        "Quant$os $item cada criança recebe se $a $item são divididos igualmente entre $n crianças depois que $e são {perdid$os|guardad$os}?",
        "$n pessoas dividem $a $item igualmente, mas antes $e são separad$os. {Descubra|Calcule} quant$os $item cada pessoa recebe.",
        "Você tem $a $item. Dá $e para a professora e divide o resto igualmente entre $n amigos. Quant$os cada amigo recebe?",
        "Uma professora tem $a $item, guarda $e no armário e distribui o resto igualmente para $n alunos. Quant$os cada aluno recebe?",
        "Qual é a parte de cada pessoa quando $e de $a $item são deixad$os de lado e o resto vai igualmente para $n pessoas?",
        "Se $name guarda $e d$os $a $item numa gaveta e reparte o resto igualmente entre $n crianças, quant$os cada criança ganha?",
        "$a $item, tira $e, divide o resto por $n: quant$os pra cada um",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const n = rng.int(2, 8);
      const each = rng.int(2, 12);
      const e = rng.int(2, 15);
      const a = n * each + e;
      const it = thing(rng, language);
      return {
        vars: { ...person(rng, language).vars, ...it.vars, a, e, n },
        steps: [
          t(
            `First ${e} are taken away: ${a} - ${e} = ${a - e}.`,
            `Primeiro saem ${e}: ${a} - ${e} = ${a - e}.`,
          ),
          t(
            `Shared among ${n}: ${a - e} ÷ ${n} = ${each}.`,
            `Divid${it.os} entre ${n}: ${a - e} ÷ ${n} = ${each}.`,
          ),
        ],
        result: each,
        answer: t(`Each one gets ${each} ${it.plural}.`, `Cada um recebe ${each} ${it.plural}.`),
      };
    },
  },
  {
    // ages
    frames: {
      en: [
        "$name is $a years old. $other is $d years older. How old will $other be in $k years?",
        "How old will $other be in $k years, if $name is $a now and $other is $d years older?",
        "$other is $d years older than $name, who is $a. {Find|Work out} $other's age $k years from now.",
        "You are $a years old and your friend $other is $d years older than you. How old will $other be in $k years?",
        "$name just had a birthday and is now $a. $His {cousin|friend} $other is $d years older. How old is $other going to be $k years from now?",
        "What age will $other reach in $k years, being $d years older than $name, who is $a today?",
        "If $name is $a and $other is $d years older, what will $other's age be after $k more years?",
        "$name: $a years old. $other: $d years older. $other's age in $k years?",
      ],
      pt: [
        "$name tem $a anos. $other é $d anos mais $velho. Quantos anos $other terá daqui a $k anos?",
        "Quantos anos $other terá daqui a $k anos, se $name tem $a agora e $other é $d anos mais $velho?",
        "$other é $d anos mais $velho que $name, que tem $a. {Descubra|Calcule} a idade de $other daqui a $k anos.",
        "Você tem $a anos e $amigo $other é $d anos mais $velho que você. Quantos anos $other terá daqui a $k anos?",
        "$name acabou de fazer $a anos. $other é $d anos mais $velho. Que idade $other vai ter daqui a $k anos?",
        "Qual será a idade de $other daqui a $k anos, sendo $d anos mais $velho que $name, que hoje tem $a?",
        "Se $name tem $a anos e $other tem $d anos a mais, quantos anos $other vai ter depois de mais $k anos?",
        "$name: $a anos. $other: $d anos a mais. idade de $other daqui a $k anos?",
      ],
    },
    make(rng, language) {
      const t = say(language);
      const a = rng.int(3, 40);
      const d = rng.int(2, 15);
      const k = rng.int(2, 20);
      const first = person(rng, language);
      const second = otherPerson(rng, language, first.name);
      const other = second.name;
      const now = a + d;
      return {
        vars: { ...first.vars, ...second.vars, a, d, k },
        steps: [
          t(`${other} is now ${a} + ${d} = ${now}.`, `${other} tem agora ${a} + ${d} = ${now}.`),
          t(`In ${k} years: ${now} + ${k} = ${now + k}.`, `Daqui a ${k} anos: ${now} + ${k} = ${now + k}.`),
        ],
        result: now + k,
        answer: t(`${other} will be ${now + k} years old.`, `${other} terá ${now + k} anos.`),
      };
    },
  },
];
