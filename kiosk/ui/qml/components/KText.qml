// Text with the theme's font, colour, size and line height (≥ 1.3 for older readers).
import QtQuick

Text {
    color: Theme.text
    font.family: Theme.fontFamily
    font.pixelSize: Theme.body
    lineHeight: Theme.lineHeight
    wrapMode: Text.WordWrap
    textFormat: Text.PlainText
}
