// 选择要办的事: big tiles (icon, plain name, what it is for, how long), most used first, and a
// search box that takes Chinese words or pinyin initials ("txyj" finds 退休一件事).
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        id: page
        anchors.fill: parent
        maxWidth: screen.landscape ? 1760 : 984
        spacing: 28

        KText {
            width: parent.width
            text: "您要办理什么事？"
            font.pixelSize: Theme.title
            font.bold: true
        }

        Row {
            width: parent.width
            spacing: 20
            KioskTextField {
                id: search
                objectName: "bundleSearch"
                width: parent.width - clear.width - 20    // 清空's place kept: typing moves nothing
                label: "查找"
                placeholder: "输入拼音首字母，如 txyj 找“退休一件事”"
                keypad: "pinyin"
                pinyinKind: ""          // letters are the search: 拼音首字母 (txyj), no characters
                text: bundles.query
                input.inputMethodHints: Qt.ImhLatinOnly | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
                onEdited: (value) => bundles.query = value
            }
            BigButton {
                id: clear
                objectName: "clearSearchButton"
                opacity: bundles.query !== "" ? 1 : 0      // there from the start, shown once useful
                enabled: bundles.query !== ""
                anchors.bottom: parent.bottom
                primary: false
                text: "清空"
                onClicked: { search.input.focus = false; bundles.clearQuery() }
            }
        }

        KText {
            width: parent.width
            visible: bundles.emptyText !== ""
            text: bundles.emptyText
            color: Theme.error
            font.bold: true
        }

        Grid {
            id: tiles
            width: parent.width
            columns: screen.landscape ? 3 : 2
            spacing: 24
            readonly property int tileWidth: Math.floor((width - (columns - 1) * spacing) / columns)
            // icon + two lines of name + three of description + two of the count line, margins
            readonly property int tileHeight: 96 + Math.ceil(Theme.lineHeight * (2 * nameMetrics.height
                                              + 5 * smallMetrics.height)) + 3 * 12 + 56
            FontMetrics { id: nameMetrics; font.family: Theme.fontFamily; font.pixelSize: Theme.button; font.bold: true }
            FontMetrics { id: smallMetrics; font.family: Theme.fontFamily; font.pixelSize: Theme.small }

            Repeater {
                model: bundles
                delegate: Rectangle {
                    id: tile
                    required property string bundleId
                    required property string name
                    required property string icon
                    required property string description
                    required property int itemCount
                    required property string timeText
                    objectName: "bundle_" + bundleId
                    width: tiles.tileWidth
                    height: tiles.tileHeight       // one height for all, so the rows line up
                    radius: Theme.radius
                    color: tileArea.pressed ? Theme.surfaceAlt : Theme.surface
                    border.width: 4
                    border.color: Theme.primary
                    Accessible.role: Accessible.Button
                    Accessible.name: name

                    Column {
                        id: body
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 12
                        Image {
                            width: 96; height: 96
                            sourceSize: Qt.size(96, 96)
                            source: tile.icon
                        }
                        KText {
                            width: parent.width
                            text: tile.name
                            color: Theme.onSecondary
                            font.pixelSize: Theme.button
                            font.bold: true
                            maximumLineCount: 2
                            elide: Text.ElideRight
                        }
                        KText {
                            width: parent.width
                            text: tile.description
                            color: Theme.textMuted
                            font.pixelSize: Theme.small
                            maximumLineCount: 3
                            elide: Text.ElideRight
                        }
                        KText {
                            width: parent.width
                            text: "含 " + tile.itemCount + " 个事项 · " + tile.timeText
                            font.pixelSize: Theme.small
                            font.bold: true
                            maximumLineCount: 2
                            elide: Text.ElideRight
                        }
                    }
                    MouseArea {
                        id: tileArea
                        anchors.fill: parent
                        onClicked: { search.input.focus = false; bundles.choose(tile.bundleId) }
                    }
                }
            }
        }
    }
}
