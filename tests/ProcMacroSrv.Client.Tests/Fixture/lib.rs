//! A small proc-macro crate, built at test time, that the client tests expand through the
//! reference server. Each macro exercises one part of the protocol.
extern crate proc_macro;

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// The input, three times over (the macro of protocol.md section 3.9).
#[proc_macro]
pub fn do_thrice(input: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for _ in 0..3 {
        out.extend(input.clone());
    }
    out
}

/// `impl <Name> { fn hello() -> &'static str { "hello" } }`, parsed from a string, so that the
/// server has to create new spans.
#[proc_macro_derive(Hello, attributes(hello))]
pub fn derive_hello(input: TokenStream) -> TokenStream {
    let mut trees = input.into_iter();
    let mut name = None;
    while let Some(tree) = trees.next() {
        if let TokenTree::Ident(ident) = &tree {
            let keyword = ident.to_string();
            if keyword == "struct" || keyword == "enum" {
                if let Some(TokenTree::Ident(n)) = trees.next() {
                    name = Some(n.to_string());
                }
                break;
            }
        }
    }
    let name = name.expect("Hello can only be derived for a struct or an enum");
    format!("impl {name} {{ fn hello() -> &'static str {{ \"hello\" }} }}").parse().unwrap()
}

/// The attribute arguments in brackets, then the item.
#[proc_macro_attribute]
pub fn wrap(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut out: TokenStream = TokenTree::Group(Group::new(Delimiter::Bracket, attr)).into();
    out.extend(item);
    out
}

#[proc_macro]
pub fn boom(_input: TokenStream) -> TokenStream {
    panic!("boom!")
}

/// Tokens made by the macro, so that they get the global spans.
#[proc_macro]
pub fn make_tokens(_input: TokenStream) -> TokenStream {
    let inner: TokenStream = [
        TokenTree::Literal(Literal::character('c')),
        TokenTree::Literal(Literal::byte_string(b"by")),
        TokenTree::Literal(Literal::i64_suffixed(-3)),
    ]
    .into_iter()
    .collect();
    let trees: Vec<TokenTree> = vec![
        Ident::new("made", Span::call_site()).into(),
        Ident::new_raw("fn", Span::mixed_site()).into(),
        Punct::new('#', Spacing::Joint).into(),
        Punct::new('!', Spacing::Alone).into(),
        Literal::u8_suffixed(7).into(),
        Literal::string("s\"q\n\u{e9}").into(),
        Literal::f64_unsuffixed(1.5).into(),
        Group::new(Delimiter::Bracket, inner).into(),
        Group::new(Delimiter::Parenthesis, TokenStream::new()).into(),
    ];
    trees.into_iter().collect()
}

/// Prints a line to stdout, which the reference passes into the protocol stream.
#[proc_macro]
pub fn noisy(input: TokenStream) -> TokenStream {
    println!("a line printed by a macro");
    input
}

/// The value of `PM_FIXTURE_VAR` as a string literal.
#[proc_macro]
pub fn read_env(_input: TokenStream) -> TokenStream {
    let value = std::env::var("PM_FIXTURE_VAR").unwrap_or_else(|_| "<unset>".to_string());
    TokenTree::Literal(Literal::string(&value)).into()
}

/// Ends the server process.
#[proc_macro]
pub fn exit_now(_input: TokenStream) -> TokenStream {
    std::process::exit(3)
}

/// Never answers in time.
#[proc_macro]
pub fn sleepy(_input: TokenStream) -> TokenStream {
    std::thread::sleep(std::time::Duration::from_secs(60));
    TokenStream::new()
}
