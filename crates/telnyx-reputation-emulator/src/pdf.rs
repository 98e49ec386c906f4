//! The Letter of Authorization as a real, one-page PDF (pdf-writer): enterprise identity,
//! address and authorised representative from the enterprise record, the optional agent
//! (reseller) block, the authorisation text, and a signature block that either embeds the
//! given PNG/JPEG signature or leaves a blank line to sign by hand.
//!
//! Text uses the standard Helvetica fonts with WinAnsi encoding; the page content stream is
//! left uncompressed so tests can read the text back. Request validation is the route's job.

use chrono::NaiveDate;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use serde_json::{Map, Value};
use std::io::Write;

/// Largest signature image accepted, per side, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// The reseller block of the LOA: the contract's `LoaAgent`, as generated.
pub use telnyx_reputation_api::types::LoaAgent as Agent;

/// A decoded signature image, ready to embed.
#[derive(Debug, Clone)]
pub struct Image {
    width: u32,
    height: u32,
    pixels: Pixels,
}

#[derive(Debug, Clone)]
enum Pixels {
    /// JPEG bytes embedded as-is (DCTDecode).
    Jpeg { data: Vec<u8>, components: u8 },
    /// Zlib-compressed 8-bit samples, with an optional compressed alpha plane.
    Flate {
        data: Vec<u8>,
        gray: bool,
        alpha: Option<Vec<u8>>,
    },
}

impl Image {
    /// Decode a PNG or JPEG signature image; the error says why it cannot be used.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            decode_png(bytes)
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            decode_jpeg(bytes)
        } else {
            Err("it is neither a PNG nor a JPEG image".to_string())
        }
    }
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        Err(format!(
            "its size {width}x{height} is outside 1..={MAX_IMAGE_SIDE} pixels per side"
        ))
    } else {
        Ok(())
    }
}

fn deflate(samples: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(samples)
        .and_then(|()| encoder.finish())
        .map_err(|e| format!("it could not be compressed ({e})"))
}

fn decode_png(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("the PNG is invalid ({e})"))?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(width, height)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the PNG is too large".to_string())?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|e| format!("the PNG is invalid ({e})"))?;
    let samples = &buffer[..frame.buffer_size()];
    let (channels, gray) = match frame.color_type {
        png::ColorType::Grayscale => (1, true),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, false),
        png::ColorType::Indexed => return Err("the PNG palette could not be expanded".to_string()),
    };
    let color_channels = if gray { 1 } else { 3 };
    let (color, alpha) = if channels > color_channels {
        let mut color = Vec::with_capacity(samples.len());
        let mut alpha = Vec::with_capacity(samples.len() / channels);
        for pixel in samples.chunks_exact(channels) {
            color.extend_from_slice(&pixel[..color_channels]);
            alpha.push(pixel[color_channels]);
        }
        (color, Some(alpha))
    } else {
        (samples.to_vec(), None)
    };
    Ok(Image {
        width,
        height,
        pixels: Pixels::Flate {
            data: deflate(&color)?,
            gray,
            alpha: alpha.map(|a| deflate(&a)).transpose()?,
        },
    })
}

/// Read the frame header (SOFn) of a JPEG for its size and component count.
fn decode_jpeg(bytes: &[u8]) -> Result<Image, String> {
    let invalid = || "the JPEG is truncated or invalid".to_string();
    let mut i = 2;
    loop {
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if bytes.get(i) != Some(&0xFF) {
            return Err(invalid());
        }
        let marker = *bytes.get(i + 1).ok_or_else(invalid)?;
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len_bytes = bytes.get(i + 2..i + 4).ok_or_else(invalid)?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        let is_sof = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_sof {
            let header = bytes.get(i + 4..i + 10).ok_or_else(invalid)?;
            let height = u32::from(u16::from_be_bytes([header[1], header[2]]));
            let width = u32::from(u16::from_be_bytes([header[3], header[4]]));
            let components = header[5];
            check_size(width, height)?;
            if ![1, 3, 4].contains(&components) {
                return Err(format!("the JPEG has {components} colour components"));
            }
            return Ok(Image {
                width,
                height,
                pixels: Pixels::Jpeg {
                    data: bytes.to_vec(),
                    components,
                },
            });
        }
        if marker == 0xDA || len < 2 {
            return Err(invalid());
        }
        i += 2 + len;
    }
}

/// A signature to embed.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The image.
    pub image: Image,
    /// Printed name of the signer.
    pub signer_name: Option<String>,
}

/// Everything the LOA shows.
#[derive(Debug, Clone)]
pub struct LoaInput {
    /// Enterprise id (footer).
    pub enterprise_id: String,
    /// The enterprise record's client fields.
    pub enterprise: Map<String, Value>,
    /// Optional reseller.
    pub agent: Option<Agent>,
    /// Optional embedded signature.
    pub signature: Option<Signature>,
    /// Render date.
    pub date: NaiveDate,
}

/// Map text to WinAnsi bytes; characters outside Latin-1 become `?`.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7E | 0xA0..=0xFF => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            _ => b'?',
        })
        .collect()
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

const LEFT: f32 = 72.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const SIGNATURE: Name<'static> = Name(b"Im1");

/// Writes lines top-down on the page.
struct Page {
    content: Content,
    y: f32,
}

impl Page {
    fn text(&mut self, font: Name<'_>, size: f32, x: f32, text: &str) {
        self.content.begin_text();
        self.content.set_font(font, size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&winansi(text)));
        self.content.end_text();
    }

    fn line(&mut self, font: Name<'_>, size: f32, text: &str) {
        self.text(font, size, LEFT, text);
        self.y -= size * 1.45;
    }

    fn field(&mut self, label: &str, value: &str) {
        self.text(BOLD, 10.0, LEFT, label);
        self.text(REGULAR, 10.0, LEFT + 150.0, value);
        self.y -= 14.5;
    }

    fn heading(&mut self, text: &str) {
        self.y -= 8.0;
        self.line(BOLD, 12.0, text);
        self.content.set_line_width(0.5);
        self.content.move_to(LEFT, self.y + 12.0);
        self.content.line_to(540.0, self.y + 12.0);
        self.content.stroke();
        self.y -= 2.0;
    }

    fn rule(&mut self, from: f32, to: f32) {
        self.content.set_line_width(0.8);
        self.content.move_to(from, self.y);
        self.content.line_to(to, self.y);
        self.content.stroke();
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> &'a str {
    map.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn address_lines(map: Option<&Map<String, Value>>) -> (String, String) {
    let empty = Map::new();
    let a = map.unwrap_or(&empty);
    let mut street = text(a, "street_address").to_string();
    if let Some(ext) = a.get("extended_address").and_then(Value::as_str) {
        street = format!("{street}, {ext}");
    }
    let city = format!(
        "{}, {} {}, {}",
        text(a, "city"),
        text(a, "administrative_area"),
        text(a, "postal_code"),
        text(a, "country")
    );
    (street, city)
}

fn enterprise_block(page: &mut Page, e: &Map<String, Value>) {
    page.heading("1. Customer (holder of the telephone numbers)");
    page.field("Legal name", text(e, "legal_name"));
    page.field("Doing business as", text(e, "doing_business_as"));
    let (street, city) = address_lines(
        e.get("organization_physical_address")
            .and_then(Value::as_object),
    );
    page.field("Address", &street);
    page.field("", &city);
    page.field("FEIN / tax id", text(e, "fein"));
    page.field("Website", text(e, "website"));
    let empty = Map::new();
    let contact = e
        .get("organization_contact")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    page.field(
        "Authorized representative",
        &format!(
            "{} {}, {}",
            text(contact, "first_name"),
            text(contact, "last_name"),
            text(contact, "job_title")
        ),
    );
    page.field(
        "Contact",
        &format!(
            "{}  {}",
            text(contact, "email"),
            text(contact, "phone_number")
        ),
    );
}

fn agent_block(page: &mut Page, agent: &Agent) {
    page.heading("2. Agent (reseller acting for the customer)");
    page.field("Legal name", agent.legal_name.as_str());
    if let Some(dba) = &agent.dba {
        page.field("Doing business as", dba.as_str());
    }
    let street = match &agent.extended_address {
        Some(ext) => format!("{}, {}", agent.street_address.as_str(), ext.as_str()),
        None => agent.street_address.to_string(),
    };
    page.field("Address", &street);
    page.field(
        "",
        &format!(
            "{}, {} {}, {}",
            agent.city.as_str(),
            agent.administrative_area.as_str(),
            agent.postal_code.as_str(),
            agent.country.as_str()
        ),
    );
    page.field(
        "Contact",
        &format!(
            "{}, {}",
            agent.contact_name.as_str(),
            agent.contact_title.as_str()
        ),
    );
    page.field(
        "",
        &format!("{}  {}", agent.contact_email, agent.contact_phone.as_str()),
    );
}

/// Render the LOA; always succeeds once the inputs are validated.
pub fn render_loa(input: &LoaInput) -> Vec<u8> {
    let e = &input.enterprise;
    let legal_name = text(e, "legal_name");
    let mut page = Page {
        content: Content::new(),
        y: 730.0,
    };
    page.line(BOLD, 18.0, "Letter of Authorization");
    page.line(
        REGULAR,
        11.0,
        "Telnyx Number Reputation - registration with call-analytics networks",
    );
    page.line(
        REGULAR,
        10.0,
        &format!("Date: {}", input.date.format("%B %-d, %Y")),
    );
    enterprise_block(&mut page, e);
    if let Some(agent) = &input.agent {
        agent_block(&mut page, agent);
    }
    page.heading("Authorization");
    let on_behalf = match &input.agent {
        Some(agent) => format!(" and its agent {}", agent.legal_name.as_str()),
        None => String::new(),
    };
    let paragraph = format!(
        "{legal_name}{on_behalf} hereby authorizes Telnyx LLC to register the telephone numbers it assigns to \
         Number Reputation monitoring with the call-analytics networks used by US carriers, to query and \
         monitor the reputation of those numbers, and to submit remediation requests on its behalf. The \
         customer confirms that it is the holder of record of these numbers or is authorized by the holder \
         to act for them, and that the information above is accurate."
    );
    for line in wrap(&paragraph, 95) {
        page.line(REGULAR, 10.0, &line);
    }
    page.heading("Signature of the authorized representative");
    page.y -= 62.0;
    let empty = Map::new();
    let contact = e
        .get("organization_contact")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let representative = format!(
        "{} {}",
        text(contact, "first_name"),
        text(contact, "last_name")
    );
    if let Some(signature) = &input.signature {
        let (w, h) = fit(signature.image.width, signature.image.height, 230.0, 56.0);
        page.content.save_state();
        page.content
            .transform([w, 0.0, 0.0, h, LEFT + 4.0, page.y + 3.0]);
        page.content.x_object(SIGNATURE);
        page.content.restore_state();
        page.y += 5.0;
        page.text(
            REGULAR,
            10.0,
            384.0,
            &input.date.format("%Y-%m-%d").to_string(),
        );
        page.y -= 5.0;
    }
    page.rule(LEFT, 320.0);
    page.rule(380.0, 540.0);
    page.y -= 12.0;
    page.text(REGULAR, 8.0, LEFT, "Signature");
    page.text(REGULAR, 8.0, 380.0, "Date");
    page.y -= 16.0;
    let signer = input
        .signature
        .as_ref()
        .and_then(|s| s.signer_name.clone())
        .unwrap_or(representative);
    page.field("Printed name", &signer);
    page.field("Title", text(contact, "job_title"));
    page.y = 50.0;
    page.text(
        REGULAR,
        7.5,
        LEFT,
        &format!(
            "Enterprise {} - rendered by the local telnyx-reputation emulator; not a legal document.",
            input.enterprise_id
        ),
    );
    assemble(input, legal_name, page.content.finish().as_slice())
}

/// Scale `w`x`h` to fit a `max_w`x`max_h` box, keeping the aspect ratio.
fn fit(w: u32, h: u32, max_w: f32, max_h: f32) -> (f32, f32) {
    let (w, h) = (w as f32, h as f32);
    let scale = (max_w / w).min(max_h / h);
    (w * scale, h * scale)
}

fn assemble(input: &LoaInput, legal_name: &str, content: &[u8]) -> Vec<u8> {
    let catalog = Ref::new(1);
    let pages = Ref::new(2);
    let page_id = Ref::new(3);
    let regular = Ref::new(4);
    let bold = Ref::new(5);
    let content_id = Ref::new(6);
    let info = Ref::new(7);
    let image_id = Ref::new(8);
    let mask_id = Ref::new(9);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 612.0, 792.0));
    page.parent(pages);
    page.contents(content_id);
    let mut resources = page.resources();
    resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
    if input.signature.is_some() {
        resources.x_objects().pair(SIGNATURE, image_id);
    }
    resources.finish();
    page.finish();
    for (id, font) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(font.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.stream(content_id, content);
    if let Some(signature) = &input.signature {
        write_image(&mut pdf, &signature.image, image_id, mask_id);
    }
    let title = format!("Letter of Authorization - {legal_name}");
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("telnyx-reputation-emulator"));
    pdf.finish()
}

fn write_image(pdf: &mut Pdf, image: &Image, id: Ref, mask_id: Ref) {
    let (w, h) = (
        i32::try_from(image.width).unwrap_or(1),
        i32::try_from(image.height).unwrap_or(1),
    );
    match &image.pixels {
        Pixels::Jpeg { data, components } => {
            let mut xobject = pdf.image_xobject(id, data);
            xobject.filter(Filter::DctDecode);
            xobject.width(w);
            xobject.height(h);
            xobject.bits_per_component(8);
            match components {
                1 => xobject.color_space().device_gray(),
                4 => xobject.color_space().device_cmyk(),
                _ => xobject.color_space().device_rgb(),
            }
        }
        Pixels::Flate { data, gray, alpha } => {
            let mut xobject = pdf.image_xobject(id, data);
            xobject.filter(Filter::FlateDecode);
            xobject.width(w);
            xobject.height(h);
            xobject.bits_per_component(8);
            if *gray {
                xobject.color_space().device_gray();
            } else {
                xobject.color_space().device_rgb();
            }
            if alpha.is_some() {
                xobject.s_mask(mask_id);
            }
            xobject.finish();
            if let Some(alpha) = alpha {
                let mut mask = pdf.image_xobject(mask_id, alpha);
                mask.filter(Filter::FlateDecode);
                mask.width(w);
                mask.height(h);
                mask.bits_per_component(8);
                mask.color_space().device_gray();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
    }

    #[test]
    fn winansi_replaces_unmappable() {
        assert_eq!(winansi("Café ✓"), b"Caf\xe9 ?".to_vec());
    }

    #[test]
    fn rejects_non_images() {
        assert!(Image::decode(b"GIF89a").is_err());
        assert!(Image::decode(&[0xFF, 0xD8, 0xFF]).is_err());
    }
}
