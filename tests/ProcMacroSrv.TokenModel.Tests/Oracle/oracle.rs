//! A probe proc macro for the oracle tests: it asks the rustc that runs it how it parses
//! and prints token streams, literals and identifiers, and appends one JSON record per call
//! to the file named by the ORACLE_OUT environment variable (a file, because inputs with
//! lexing errors make the compilation fail after the macro ran).
extern crate proc_macro;
use proc_macro::{Delimiter, Group, Literal, Spacing, TokenStream, TokenTree};
use std::io::Write;

fn rebuild(ts: TokenStream) -> TokenStream {
    ts.into_iter().map(|tt| match tt {
        TokenTree::Group(g) => TokenTree::Group(Group::new(g.delimiter(), rebuild(g.stream()))),
        other => other,
    }).collect()
}

fn dump(ts: TokenStream, out: &mut String) {
    for tt in ts {
        if !out.is_empty() && !out.ends_with('(') { out.push(' '); }
        match tt {
            TokenTree::Group(g) => {
                let d = match g.delimiter() { Delimiter::Parenthesis => "P", Delimiter::Brace => "B", Delimiter::Bracket => "K", Delimiter::None => "N" };
                out.push_str("G"); out.push_str(d); out.push('(');
                dump(g.stream(), out);
                out.push(')');
            }
            TokenTree::Ident(i) => { out.push_str("I:"); out.push_str(&i.to_string()); }
            TokenTree::Punct(p) => { out.push_str("P:"); out.push(p.as_char()); out.push_str(if p.spacing() == Spacing::Joint { "J" } else { "A" }); }
            TokenTree::Literal(l) => {
                let d = format!("{:?}", l);
                let d = &d[..d.find(", span:").unwrap()];
                out.push_str("L:"); out.push_str(&d["Literal { ".len()..]);
            }
        }
    }
}

fn json(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c { '"' => o.push_str("\\\""), '\\' => o.push_str("\\\\"), '\n' => o.push_str("\\n"), '\r' => o.push_str("\\r"), '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)), c => o.push(c) }
    }
    o.push('"'); o
}

fn panic_msg(e: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = e.downcast_ref::<&str>() { s.to_string() } else if let Some(s) = e.downcast_ref::<String>() { s.clone() } else { "<non-string panic>".into() }
}

/// probe!( "mode" , "input" ) ; mode = ts | lit | ident
#[proc_macro]
pub fn probe(input: TokenStream) -> TokenStream {
    let mut args = Vec::new();
    for tt in input { if let TokenTree::Literal(l) = tt { args.push(l); } }
    let mut rec = String::from("{");
    let s = args.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let mode = unquote(&s[0]);
    let text = unquote(&s[1]);
    rec.push_str(&format!("\"mode\":{},\"input\":{}", json(&mode), json(&text)));
    std::panic::set_hook(Box::new(|_| {}));
    match mode.as_str() {
        "ts" => {
            let r = std::panic::catch_unwind(|| text.parse::<TokenStream>().map(|t| { let mut d = String::new(); dump(t.clone(), &mut d); (d, rebuild(t).to_string()) }).map_err(|e| e.to_string()));
            match r {
                Ok(Ok((d, p))) => rec.push_str(&format!(",\"tokens\":{},\"printed\":{}", json(&d), json(&p))),
                Ok(Err(e)) => rec.push_str(&format!(",\"error\":{}", json(&e))),
                Err(p) => rec.push_str(&format!(",\"panic\":{}", json(&panic_msg(p)))),
            }
        }
        "lit" => {
            let r = std::panic::catch_unwind(|| text.parse::<Literal>().map(|l| { let mut d = String::new(); dump(TokenStream::from(TokenTree::Literal(l.clone())), &mut d); (d, l.to_string()) }).map_err(|e| e.to_string()));
            match r {
                Ok(Ok((d, p))) => rec.push_str(&format!(",\"tokens\":{},\"printed\":{}", json(&d), json(&p))),
                Ok(Err(e)) => rec.push_str(&format!(",\"error\":{}", json(&e))),
                Err(p) => rec.push_str(&format!(",\"panic\":{}", json(&panic_msg(p)))),
            }
        }
        "ident" => {
            let r = std::panic::catch_unwind(|| proc_macro::Ident::new(&text, proc_macro::Span::call_site()).to_string());
            match r { Ok(p) => rec.push_str(&format!(",\"printed\":{}", json(&p))), Err(p) => rec.push_str(&format!(",\"panic\":{}", json(&panic_msg(p)))) }
        }
        _ => {}
    }
    let _ = std::panic::take_hook();
    rec.push('}');
    let path = std::env::var("ORACLE_OUT").unwrap();
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    writeln!(f, "{}", rec).unwrap();
    TokenStream::new()
}

// Decodes a plain "..." or r#"..."# literal's text (the probe inputs are written by the test harness).
fn unquote(s: &str) -> String {
    if let Some(rest) = s.strip_prefix('r') {
        let h = rest.chars().take_while(|&c| c == '#').count();
        return rest[h + 1..rest.len() - h - 1].to_string();
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' { out.push(c); continue; }
        match it.next().unwrap() {
            'n' => out.push('\n'), 't' => out.push('\t'), 'r' => out.push('\r'), '0' => out.push('\0'),
            '\\' => out.push('\\'), '"' => out.push('"'), '\'' => out.push('\''),
            'u' => { it.next(); let mut h = String::new(); while let Some(&c) = it.peek() { it.next(); if c == '}' { break; } h.push(c); } out.push(char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap()); }
            'x' => { let h: String = [it.next().unwrap(), it.next().unwrap()].iter().collect(); out.push(u8::from_str_radix(&h, 16).unwrap() as char); }
            '\n' => { while let Some(&c) = it.peek() { if c.is_whitespace() { it.next(); } else { break; } } }
            c => panic!("bad escape {c}"),
        }
    }
    out
}
