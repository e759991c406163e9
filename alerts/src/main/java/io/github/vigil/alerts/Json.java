package io.github.vigil.alerts;

import java.util.Map;

/** A small JSON writer for the sinks' payloads (strings, numbers, booleans, objects, arrays). Not thread-safe. */
final class Json {
  private final StringBuilder sb = new StringBuilder();
  private boolean needComma;

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    escape(b, s);
    return b.append('"').toString();
  }

  static void escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
  }

  /** The escaped content of a JSON string, without quotes (for templates). */
  static String escaped(String s) {
    StringBuilder b = new StringBuilder();
    escape(b, s);
    return b.toString();
  }

  private void comma() {
    if (needComma) {
      sb.append(',');
    }
    needComma = false;
  }

  Json beginObject() {
    comma();
    sb.append('{');
    return this;
  }

  Json endObject() {
    sb.append('}');
    needComma = true;
    return this;
  }

  Json beginArray() {
    comma();
    sb.append('[');
    return this;
  }

  Json endArray() {
    sb.append(']');
    needComma = true;
    return this;
  }

  Json name(String n) {
    comma();
    sb.append(quote(n)).append(':');
    return this;
  }

  Json value(String v) {
    comma();
    sb.append(quote(v));
    needComma = true;
    return this;
  }

  Json value(long v) {
    comma();
    sb.append(v);
    needComma = true;
    return this;
  }

  Json value(boolean v) {
    comma();
    sb.append(v);
    needComma = true;
    return this;
  }

  Json raw(String json) {
    comma();
    sb.append(json);
    needComma = true;
    return this;
  }

  Json field(String n, String v) {
    return name(n).value(v);
  }

  Json field(String n, long v) {
    return name(n).value(v);
  }

  Json field(String n, boolean v) {
    return name(n).value(v);
  }

  Json object(String n, Map<String, String> m) {
    name(n).beginObject();
    m.forEach(this::field);
    return endObject();
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
