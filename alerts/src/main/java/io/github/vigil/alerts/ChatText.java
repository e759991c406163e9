package io.github.vigil.alerts;

import java.util.regex.Pattern;

/**
 * What the alerts say (a process's output line or command quoted in a summary, a label's value), made unable to open
 * the tags a chat reads from message text: a Feishu text message's {@code <at user_id="all">} mentions everyone, a WeCom
 * markdown's {@code <@userid>} mentions that member. A {@code <} that would open such a tag is sent as the fullwidth
 * {@code ＜} (U+FF1C), which reads as {@code <} and opens no tag; every other character is sent as it is. Only what the
 * alerts say goes through it, never the sink's own markup. Stateless and thread-safe.
 */
final class ChatText {
  /** Fullwidth less-than sign: a person reads it as {@code <}; no tag starts with it. */
  static final String NOT_A_TAG = "\uFF1C";
  /** Feishu text: {@code <at …>} and {@code </at>}, in any case, with or without spaces after {@code <}. */
  static final Pattern FEISHU = Pattern.compile("<(?=\\s*/?\\s*at\\b)", Pattern.CASE_INSENSITIVE);
  /** WeCom markdown: a mention {@code <@userid>}, and its {@code <font …>} and {@code </font>}. */
  static final Pattern WECOM = Pattern.compile("<(?=\\s*@|\\s*/?\\s*font\\b)", Pattern.CASE_INSENSITIVE);
  /** DingTalk markdown: {@code <font …>} and {@code </font>} (its mentions come from the request's {@code at} only). */
  static final Pattern DINGTALK = Pattern.compile("<(?=\\s*/?\\s*font\\b)", Pattern.CASE_INSENSITIVE);

  private ChatText() {}

  /** {@code text} with each {@code <} that {@code opening} matches as {@link #NOT_A_TAG}. */
  static String breakTags(String text, Pattern opening) {
    return opening.matcher(text).replaceAll(NOT_A_TAG);
  }
}
