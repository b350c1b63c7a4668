/**
 * @module JSON as a GBNF grammar (llama.cpp's format), for OpenAI's `response_format: json_object` and for
 * the arguments of a tool call that `tool_choice` forces: one object, whitespace bounded so a model cannot
 * pad forever.
 */

/** The rules of a JSON object (`object`, and the values inside it), without a root: grammars embed them. */
export const JSON_OBJECT_RULES = String.raw`
object ::= "{" space ( member ( "," space member )* )? "}" space
member ::= string ":" space value
array  ::= "[" space ( value ( "," space value )* )? "]" space
value  ::= object | array | string | number | ( "true" | "false" | "null" ) space
string ::= "\"" char* "\"" space
char   ::= [^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} )
number ::= "-"? ( "0" | [1-9] [0-9]{0,15} ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )? space
space  ::= | " " | "\n" [ \t]{0,20}
`;

/** Any JSON object (RFC 8259 values inside; numbers of at most 16 integer digits). */
export const JSON_GRAMMAR = `\nroot   ::= object${JSON_OBJECT_RULES}`;
