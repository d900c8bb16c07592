//! What `biopage brief` sends each creator a campaign targets: a printable
//! page in the creator's language (the campaign, its dates, the brand's
//! talking points, the disclosure they must use, their code, link and QR
//! code) and a poster to post as it is. Pure: a function of the campaign
//! and the creator's resolved pages; `cmd::brief` writes the files.
//!
//! The pages are for the creator alone (their code, their link): never
//! published with the site, `noindex`, without JavaScript, readable offline
//! from the folder they are written to, and printable. Everything the
//! campaign and the profiles wrote is escaped; the talking points go
//! through the page's own Markdown renderer (raw HTML shown as text, links
//! only http(s), mailto and tel).

use super::Campaign;
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Lang;
use crate::images::{fully_drawable, PosterText};
use crate::resolve::Resolved;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::fmt::Write as _;

/// The marker of a brief directory: only a directory with it (or an empty
/// one, or none) is replaced by `biopage brief -o`.
pub const MARKER: &str = ".biopage-brief";

/// One creator's brief: who, in which language, and what they use.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub handle: String,
    pub name: String,
    pub lang: Lang,
    /// Their exclusive code (a row of the campaign's codes file).
    pub code: Option<String>,
    /// The address the QR code and the poster carry (see [`Link`]).
    pub link: String,
    pub link_kind: Link,
    /// The words they must use, in their language; `None` when the
    /// campaign is not a paid partnership.
    pub disclosure: Option<String>,
}

/// What [`Brief::link`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The short link (`…/go/<id>/`) of the campaign's first item that has
    /// one: short to say and type, and counted as the creator's.
    Short,
    /// The item's tagged address, when it has no short link (a gated item,
    /// a `mailto:` link).
    Tagged,
    /// The creator's page, when none of the campaign's items is on it (the
    /// creator's own item of the same id replaces it).
    Page,
}

/// The brief of the creator whose pages are `resolved`, for campaign `c`.
pub fn brief(c: &Campaign, handle: &str, resolved: &Resolved) -> Brief {
    let code = c.code_of(handle).map(|r| r.code.value.clone());
    let main = resolved.pages.first();
    // the main page's rows: its channel is the one a poster is for
    let rows: Vec<super::rows::Row> = super::rows::rows(&c.id, handle, None, resolved)
        .into_iter()
        .filter(|r| main.is_some_and(|p| p.channel == r.channel))
        .collect();
    let (link, link_kind) = if let Some(r) = rows.iter().find(|r| !r.short.is_empty()) {
        (r.short.clone(), Link::Short)
    } else if let Some(r) = rows.iter().find(|r| !r.tagged.is_empty()) {
        (r.tagged.clone(), Link::Tagged)
    } else {
        (main.map(|p| p.url.clone()).unwrap_or_default(), Link::Page)
    };
    let disclosure = c.sponsored.then(|| {
        // its warning (no text in this language) was given when the pages
        // were resolved
        super::apply::disclosure(c, resolved.lang, &mut Diagnostics::default()).unwrap_or_else(
            || {
                let builtin = crate::i18n::strings(resolved.lang).partnership;
                main.map(|p| p.t.partnership.as_str())
                    .unwrap_or(&builtin)
                    .replace("{brand}", &c.brand.value)
            },
        )
    });
    Brief {
        handle: handle.to_string(),
        name: resolved.name.clone(),
        lang: resolved.lang,
        code,
        link,
        link_kind,
        disclosure,
    }
}

/// The brand's talking points (`brief = """…"""`) as HTML, or why not: a
/// link in them that a page may not carry, located at the value.
pub fn talking_points(c: &Campaign) -> Result<Option<String>, Diagnostics> {
    let Some(text) = c.brief.as_ref().filter(|b| !b.value.trim().is_empty()) else {
        return Ok(None);
    };
    let rendered = crate::markdown::render(&text.value, |u| {
        crate::tracking::classify(u)
            .map(|d| d.as_str().to_string())
            .map_err(|p| crate::markdown::BadLink {
                url: u.to_string(),
                message: p.message,
                help: p.help,
            })
    });
    match rendered {
        Ok(html) => Ok(Some(html)),
        Err(bad) => Err(Diagnostics(
            bad.into_iter()
                .map(|b| {
                    Diagnostic::error(format!(
                        "a link in the brief of the campaign \"{}\": {}",
                        c.id, b.message
                    ))
                    .at(text.loc.clone())
                    .help(b.help)
                })
                .collect(),
        )),
    }
}

/// The words of a brief, per language.
pub struct Words {
    pub brief: &'static str,
    pub for_creator: &'static str,
    pub private: &'static str,
    pub brand: &'static str,
    pub dates: &'static str,
    pub deadline: &'static str,
    pub deadline_hint: &'static str,
    pub from: &'static str,
    pub until: &'static str,
    pub always: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub code_label: &'static str,
    pub link: &'static str,
    pub link_hint: &'static str,
    pub link_hint_page: &'static str,
    pub qr: &'static str,
    pub qr_file: &'static str,
    pub what_to_say: &'static str,
    pub no_brief: &'static str,
    pub disclosure: &'static str,
    pub disclosure_hint: &'static str,
    pub poster: &'static str,
    pub poster_hint: &'static str,
    pub download: &'static str,
    pub index_title: &'static str,
    pub index_intro: &'static str,
    pub creator: &'static str,
    pub language: &'static str,
    pub made_with: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &Words {
            brief: "Campaign brief",
            for_creator: "For {name}",
            private: "For you alone: please do not share or publish this page.",
            brand: "Brand",
            dates: "Dates",
            deadline: "Deadline",
            deadline_hint: "The last day of the campaign: after it, the campaign leaves your page.",
            from: "from {date}",
            until: "until {date}",
            always: "no end date",
            code: "Your exclusive code",
            code_hint: "Only your followers get it: say it and show it in every post.",
            code_label: "Code",
            link: "Your link",
            link_hint: "Put it in your bio and your posts: sales through it count as yours.",
            link_hint_page: "Your page carries the campaign while it runs.",
            qr: "QR code of your link",
            qr_file: "QR code (SVG)",
            what_to_say: "What to say",
            no_brief: "The brand has not sent talking points yet: ask your agency.",
            disclosure: "Disclosure you must use",
            disclosure_hint: "Say it or show it at the start of every post, video and story about the campaign, in these exact words.",
            poster: "Poster to post",
            poster_hint: "Ready to post as it is: 1080 × 1350 pixels (4:5).",
            download: "Download the poster (PNG)",
            index_title: "Briefs for the creators",
            index_intro: "One page per creator the campaign targets: send each creator their own.",
            creator: "Creator",
            language: "Language",
            made_with: "Made with biopage",
        },
        Lang::Vi => &Words {
            brief: "Brief chiến dịch",
            for_creator: "Dành cho {name}",
            private: "Chỉ dành riêng cho bạn: vui lòng không chia sẻ hay đăng trang này.",
            brand: "Nhãn hàng",
            dates: "Thời gian",
            deadline: "Hạn chót",
            deadline_hint: "Ngày cuối của chiến dịch: sau ngày này, chiến dịch sẽ rời khỏi trang của bạn.",
            from: "từ {date}",
            until: "đến hết {date}",
            always: "không có ngày kết thúc",
            code: "Mã giảm giá riêng của bạn",
            code_hint: "Chỉ người theo dõi bạn có mã này: hãy nói và hiển thị mã trong mỗi bài đăng.",
            code_label: "Mã giảm giá",
            link: "Liên kết của bạn",
            link_hint: "Đặt liên kết trong bio và bài đăng: đơn hàng qua liên kết này được tính cho bạn.",
            link_hint_page: "Trang của bạn có chiến dịch này trong suốt thời gian diễn ra.",
            qr: "Mã QR của liên kết",
            qr_file: "Mã QR (SVG)",
            what_to_say: "Nội dung cần truyền tải",
            no_brief: "Nhãn hàng chưa gửi nội dung: hãy hỏi agency của bạn.",
            disclosure: "Câu công khai bắt buộc",
            disclosure_hint: "Nói hoặc hiển thị đúng nguyên văn câu này ở đầu mỗi bài đăng, video và story về chiến dịch.",
            poster: "Poster để đăng",
            poster_hint: "Đăng ngay được: 1080 × 1350 pixel (4:5).",
            download: "Tải poster (PNG)",
            index_title: "Brief cho nhà sáng tạo",
            index_intro: "Mỗi nhà sáng tạo mà chiến dịch nhắm đến có một trang riêng: hãy gửi cho từng người trang của họ.",
            creator: "Nhà sáng tạo",
            language: "Ngôn ngữ",
            made_with: "Tạo bằng biopage",
        },
        Lang::ZhHans => &Words {
            brief: "活动简报",
            for_creator: "致 {name}",
            private: "仅供你本人使用：请勿分享或公开本页。",
            brand: "品牌",
            dates: "日期",
            deadline: "截止日期",
            deadline_hint: "活动的最后一天：之后，活动将从你的主页移除。",
            from: "{date} 起",
            until: "截至 {date}",
            always: "无结束日期",
            code: "你的专属优惠码",
            code_hint: "只有你的粉丝能拿到：请在每条内容中说出并展示它。",
            code_label: "优惠码",
            link: "你的链接",
            link_hint: "放在简介和内容里：通过它产生的销售都算你的。",
            link_hint_page: "活动期间，你的主页会展示本活动。",
            qr: "你的链接的二维码",
            qr_file: "二维码（SVG）",
            what_to_say: "要说什么",
            no_brief: "品牌尚未提供要点：请询问你的经纪公司。",
            disclosure: "必须使用的披露声明",
            disclosure_hint: "在每条关于本活动的帖子、视频和快拍开头，一字不差地说出或展示这句话。",
            poster: "可直接发布的海报",
            poster_hint: "可直接发布：1080 × 1350 像素（4:5）。",
            download: "下载海报（PNG）",
            index_title: "创作者简报",
            index_intro: "活动面向的每位创作者各有一页：请把各自的页面发给他们。",
            creator: "创作者",
            language: "语言",
            made_with: "由 biopage 生成",
        },
        Lang::ZhHant => &Words {
            brief: "活動簡報",
            for_creator: "致 {name}",
            private: "僅供你本人使用：請勿分享或公開本頁。",
            brand: "品牌",
            dates: "日期",
            deadline: "截止日期",
            deadline_hint: "活動的最後一天：之後，活動將從你的主頁移除。",
            from: "{date} 起",
            until: "至 {date} 止",
            always: "無結束日期",
            code: "你的專屬優惠碼",
            code_hint: "只有你的粉絲能拿到：請在每則內容中說出並展示它。",
            code_label: "優惠碼",
            link: "你的連結",
            link_hint: "放在簡介和內容裡：透過它產生的銷售都算你的。",
            link_hint_page: "活動期間，你的主頁會展示本活動。",
            qr: "你的連結的 QR 碼",
            qr_file: "QR 碼（SVG）",
            what_to_say: "要說什麼",
            no_brief: "品牌尚未提供重點：請詢問你的經紀公司。",
            disclosure: "必須使用的揭露聲明",
            disclosure_hint: "在每則關於本活動的貼文、影片和限時動態開頭，一字不差地說出或展示這句話。",
            poster: "可直接發布的海報",
            poster_hint: "可直接發布：1080 × 1350 像素（4:5）。",
            download: "下載海報（PNG）",
            index_title: "創作者簡報",
            index_intro: "活動面向的每位創作者各有一頁：請把各自的頁面傳給他們。",
            creator: "創作者",
            language: "語言",
            made_with: "由 biopage 產生",
        },
    }
}

/// The window in `w`'s words: "2026-12-04 – 2026-12-31", "until …".
fn window(c: &Campaign, w: &Words) -> String {
    match (c.first_day(), c.deadline()) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (Some(s), None) => w.from.replace("{date}", &s),
        (None, Some(e)) => w.until.replace("{date}", &e),
        (None, None) => w.always.to_string(),
    }
}

/// What the poster says, in the creator's language where the bundled font
/// draws it whole, else in words it does: the code's label in English, the
/// deadline as ISO dates (a Chinese creator's poster says "2026-12-04 –
/// 2026-12-31"). A brand or title with characters the font lacks keeps
/// what it can draw; a title with nothing left is not shown.
pub fn poster_text(c: &Campaign, b: &Brief) -> PosterText {
    let w = words(b.lang);
    let pick = |own: String, fallback: String| {
        if fully_drawable(&own) {
            own
        } else {
            fallback
        }
    };
    let readable = |s: &str| {
        let d = crate::images::drawable(s);
        d.chars().any(char::is_alphanumeric).then_some(d)
    };
    let deadline = c.deadline().map(|e| {
        let fallback = match c.first_day() {
            Some(s) => format!("{s} – {e}"),
            None => format!("until {e}"),
        };
        pick(w.until.replace("{date}", &e), fallback)
    });
    PosterText {
        brand: readable(&c.brand.value).unwrap_or_default(),
        title: readable(&c.title.value),
        code_label: Some(pick(w.code_label.to_string(), "CODE".into())),
        code: b.code.clone(),
        deadline,
    }
}

/// The poster's text alternative, in the creator's language.
fn poster_alt(c: &Campaign, b: &Brief) -> String {
    let w = words(b.lang);
    let mut parts = vec![c.brand.value.clone(), w.qr.to_string()];
    if let Some(code) = &b.code {
        parts.push(format!("{} {code}", w.code_label));
    }
    if let Some(e) = c.deadline() {
        parts.push(w.until.replace("{date}", &e));
    }
    let sep = if matches!(b.lang, Lang::ZhHans | Lang::ZhHant) {
        "，"
    } else {
        ", "
    };
    format!("{}: {}", w.poster, parts.join(sep))
}

/// The stylesheet of the briefs and their index: light and dark, readable
/// at 390 px, printable in black on white.
const STYLE: &str = r##":root{color-scheme:light dark;--bg:#fff;--fg:#1a1a1a;--muted:#545454;--line:#d4d4d8;--card:#f7f3f5;--accent:#9e0f47;--tint:#fff4f8}
@media (prefers-color-scheme:dark){:root{--bg:#121316;--fg:#eceef1;--muted:#b6bbc2;--line:#3b4048;--card:#1e2025;--accent:#ff8fbd;--tint:#2b1a22}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 2rem}
a{color:var(--accent)}
.kicker{margin:0;color:var(--accent);font-weight:700;font-size:.85rem;letter-spacing:.06em;text-transform:uppercase}
h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
h2{font-size:1.15rem;line-height:1.3;margin:0 0 .6rem}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem;margin:0 0 1.25rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
section{margin:0 0 1rem;padding:1rem 1.1rem;border:1px solid var(--line);border-radius:.75rem}
.hint{color:var(--muted);font-size:.92rem;margin:.6rem 0 0}
.code{display:inline-block;max-width:100%;margin:0;padding:.4rem .9rem;border:2px dashed var(--accent);border-radius:.6rem;background:var(--tint);font:700 clamp(1.7rem,9vw,2.6rem)/1.25 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;letter-spacing:.06em;overflow-wrap:anywhere}
.code code{font:inherit}
.link{margin:0;font-weight:600;overflow-wrap:anywhere}
.qr{margin:1rem 0 0}
.qr svg{display:block;width:11rem;height:auto;background:#fff;border-radius:.3rem}
.qr figcaption{color:var(--muted);font-size:.92rem;margin-top:.3rem}
.points p,.points li{margin:.35rem 0}
.points ul,.points ol{padding-inline-start:1.3rem;margin:.35rem 0}
blockquote{margin:0;padding:.7rem 1rem;border-inline-start:4px solid var(--accent);background:var(--card);font-weight:600;font-size:1.08rem;overflow-wrap:anywhere}
blockquote p{margin:0}
.poster img{display:block;width:100%;max-width:20rem;height:auto;border:1px solid var(--line);border-radius:.5rem}
.poster p{margin:.6rem 0 0}
.creators{list-style:none;margin:0;padding:0}
.creators li{display:flex;flex-wrap:wrap;align-items:baseline;gap:.1rem .75rem;padding:.7rem 0;border-bottom:1px solid var(--line)}
.creators a{font-weight:700;overflow-wrap:anywhere}
.creators span{color:var(--muted)}
.creators code{font-weight:700;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.85rem;margin-top:1.5rem}
footer p{margin:.25rem 0}
@media (min-width:40rem){.linkbox{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:1.5rem;align-items:start}.linkbox .qr{margin:0}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--card:#f2f2f2;--accent:#000;--tint:#fff}body{font-size:11pt}main{max-width:none;padding:0}section{break-inside:avoid}a{color:inherit;text-decoration:none}.poster img{max-width:7cm}.download{display:none}}"##;

/// The head of a brief page or the index. Its policy allows nothing but
/// its own stylesheet and the poster beside it (`file:` too: a brief is
/// often opened from a folder), and no icon is asked of the server.
fn head(out: &mut String, lang: Lang, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; img-src 'self' file: data:; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        lang.html_lang(),
        crate::analytics::csp_hash(STYLE),
        esc(title)
    );
}

/// The brand, the dates and the deadline, as a list of facts.
fn facts(out: &mut String, c: &Campaign, w: &Words) {
    let _ = write!(
        out,
        "<dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>",
        esc(w.brand),
        esc(&c.brand.value),
        esc(w.dates),
        esc(&window(c, w))
    );
    if let Some(e) = c.deadline() {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(w.deadline), esc(&e));
    }
    out.push_str("</dl>\n");
}

/// A section of a brief: a heading (`id`, for the section's name), `body`
/// (HTML, escaped by the caller) and a hint under it (text, if any).
fn section(out: &mut String, id: &str, class: &str, heading: &str, body: &str, hint: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let _ = write!(
        out,
        "<section aria-labelledby=\"{id}\"{class}>\n<h2 id=\"{id}\">{}</h2>\n{body}",
        esc(heading)
    );
    if !hint.is_empty() {
        let _ = writeln!(out, "<p class=\"hint\">{}</p>", esc(hint));
    }
    out.push_str("</section>\n");
}

/// `OUT/<handle>/index.html`: one creator's brief. `points` is
/// [`talking_points`]'s HTML; `qr_svg` the QR code of the link, inline.
pub fn page(c: &Campaign, b: &Brief, points: Option<&str>, qr_svg: &str) -> String {
    let w = words(b.lang);
    let mut out = String::with_capacity(16 * 1024);
    head(
        &mut out,
        b.lang,
        &format!("{} · {} · @{}", c.title.value, w.brief, b.handle),
    );
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n<p>{}</p>\n",
        esc(w.brief),
        esc(&c.title.value),
        esc(&w
            .for_creator
            .replace("{name}", &format!("{} (@{})", b.name, b.handle)))
    );
    facts(&mut out, c, w);
    out.push_str("</header>\n");
    if let Some(code) = &b.code {
        let body = format!("<p class=\"code\"><code>{}</code></p>\n", esc(code));
        section(&mut out, "code", "", w.code, &body, w.code_hint);
    }
    let hint = match b.link_kind {
        Link::Short | Link::Tagged => w.link_hint,
        Link::Page => w.link_hint_page,
    };
    // the link and its hint beside the QR code on a wide screen
    let _ = write!(
        out,
        "<section aria-labelledby=\"link\" class=\"linkbox\">\n<div>\n<h2 id=\"link\">{}</h2>\n<p class=\"link\"><a href=\"{}\">{}</a></p>\n<p class=\"hint\">{}</p>\n</div>\n\
         <figure class=\"qr\">{qr_svg}<figcaption>{}<br><a href=\"qr.svg\">{}</a></figcaption></figure>\n</section>\n",
        esc(w.link),
        attr(&b.link),
        esc(&b.link),
        esc(hint),
        esc(w.qr),
        esc(w.qr_file)
    );
    let no_brief = format!("<p>{}</p>\n", esc(w.no_brief));
    section(
        &mut out,
        "say",
        "points",
        w.what_to_say,
        points.unwrap_or(&no_brief),
        "",
    );
    if let Some(d) = &b.disclosure {
        let body = format!("<blockquote><p>{}</p></blockquote>\n", esc(d));
        section(
            &mut out,
            "disclose",
            "",
            w.disclosure,
            &body,
            w.disclosure_hint,
        );
    }
    let body = format!(
        "<img src=\"poster.png\" width=\"{}\" height=\"{}\" alt=\"{}\">\n\
         <p class=\"download\"><a href=\"poster.png\" download>{}</a></p>\n",
        crate::images::POSTER_WIDTH,
        crate::images::POSTER_HEIGHT,
        attr(&poster_alt(c, b)),
        esc(w.download)
    );
    section(&mut out, "poster", "poster", w.poster, &body, w.poster_hint);
    let _ = write!(
        out,
        "<footer><p>{}</p><p>{}</p></footer>\n</main>\n</body>\n</html>\n",
        esc(w.private),
        esc(w.made_with)
    );
    out
}

/// `OUT/index.html`: the creators of the briefs, for the agency, in its
/// language.
pub fn index(c: &Campaign, briefs: &[Brief], lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::with_capacity(4096 + briefs.len() * 256);
    head(
        &mut out,
        lang,
        &format!("{} · {}", c.title.value, w.index_title),
    );
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n",
        esc(w.index_title),
        esc(&c.title.value)
    );
    facts(&mut out, c, w);
    let _ = write!(
        out,
        "<p>{}</p>\n</header>\n<ul class=\"creators\">\n",
        esc(w.index_intro)
    );
    for b in briefs {
        let _ = write!(
            out,
            "<li><a href=\"{}/index.html\" lang=\"{}\">{}</a><span>@{}</span><span>{}: {}</span>",
            attr(&b.handle),
            b.lang.html_lang(),
            esc(&b.name),
            esc(&b.handle),
            esc(w.language),
            b.lang.html_lang()
        );
        if let Some(code) = &b.code {
            let _ = write!(out, "<code>{}</code>", esc(code));
        }
        out.push_str("</li>\n");
    }
    let _ = write!(
        out,
        "</ul>\n<footer><p>{}</p></footer>\n</main>\n</body>\n</html>\n",
        esc(w.made_with)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_until_with_the_date() {
        for lang in [Lang::En, Lang::Vi, Lang::ZhHans, Lang::ZhHant] {
            let w = words(lang);
            assert!(w.until.contains("{date}") && w.from.contains("{date}"));
            assert!(w.for_creator.contains("{name}"));
        }
        // the poster's fallbacks: Vietnamese is drawn, Chinese is not
        assert!(fully_drawable(
            &words(Lang::Vi).until.replace("{date}", "2026-12-31")
        ));
        assert!(!fully_drawable(words(Lang::ZhHans).until));
    }
}
