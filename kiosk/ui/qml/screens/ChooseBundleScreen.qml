// 选择要办的事: big tiles (icon, plain name, what it is for, how long) in the catalogue's order (a
// tile keeps its place from visit to visit), marked 立等可取 / 常办 in words, and a
// search box that takes Chinese words or pinyin initials ("txyj" finds 退休一件事). Above the tiles
// a band of category chips (全部, 生育上学 …): one tap narrows 22 tiles to a handful. The band and
// the search stay put while the tiles scroll under them; the band's size depends on the window
// and the text size only, never on the chosen chip, so switching moves nothing under a finger.
// Which tiles, their counts and the chosen chip all come from the view-model (bundles).
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property int contentWidth: Math.min(width - 96, landscape ? 1760 : 984)
    // The title only in portrait: a landscape window is short, and the top bar names the screen.
    readonly property bool titled: !landscape
    // With the keyboard up (a search being typed) the screen is short: the title and the chips
    // give their room to the results, for a search looks across every category anyway.
    readonly property bool roomy: height >= 48 + (titled ? titleText.implicitHeight + header.spacing : 0)
                                           + searchRow.height + header.spacing + band.height
                                           + tiles.tileHeight / 2 + Theme.buttonHeight

    Connections {
        target: bundles
        function onCategoryChanged() { page.contentY = 0 }   // a new category is read from its top
    }

    Column {
        id: header
        x: (screen.width - width) / 2
        y: 48
        width: screen.contentWidth
        spacing: 28

        KText {
            id: titleText
            width: parent.width
            visible: screen.roomy && screen.titled
            text: "您要办理什么事？"
            font.pixelSize: Theme.title
            font.bold: true
        }

        Row {
            id: searchRow
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

        // 全部 + the categories, in as few equal rows as fit without cutting a name: one row in a
        // landscape window, two in portrait (5 + 4). The chosen chip is filled, framed in orange
        // and ticked (✓), so it never rests on colour alone.
        Grid {
            id: band
            objectName: "categoryBand"
            visible: screen.roomy
            width: parent.width
            spacing: 12
            readonly property int chipCount: bundles.categories.length
            readonly property real widest: {
                let w = chipCountMetrics.advanceWidth("✓ 99 件")
                for (const c of bundles.categories)
                    w = Math.max(w, chipNameMetrics.advanceWidth(c.name))
                return Math.ceil(w) + 32
            }
            readonly property int fitting: Math.max(1, Math.floor((width + spacing) / (widest + spacing)))
            readonly property int rowCount: Math.max(1, Math.ceil(chipCount / fitting))
            columns: Math.max(1, Math.ceil(chipCount / rowCount))
            readonly property int chipWidth: Math.floor((width - (columns - 1) * spacing) / columns)
            FontMetrics { id: chipNameMetrics; font.family: Theme.fontFamily; font.pixelSize: Theme.body; font.bold: true }
            FontMetrics { id: chipCountMetrics; font.family: Theme.fontFamily; font.pixelSize: Theme.small; font.bold: true }

            Repeater {
                model: bundles.categories
                delegate: Rectangle {
                    id: chip
                    required property var modelData
                    readonly property bool chosen: modelData.chosen
                    readonly property int frame: chosen ? 6 : 3     // the chosen one: a thicker frame
                    objectName: "category_" + (modelData.code !== "" ? modelData.code : "all")
                    width: band.chipWidth
                    height: Theme.buttonHeight
                    radius: Theme.radius
                    color: chosen ? (chipArea.pressed ? Theme.primaryPressed : Theme.primary)
                                  : (chipArea.pressed ? Theme.surfaceAlt : Theme.secondary)
                    border.width: frame
                    border.color: chosen ? Theme.focus : Theme.primary
                    Accessible.role: Accessible.Button
                    Accessible.name: (chosen ? "已选 " : "") + modelData.name + "，" + modelData.count + " 件事"

                    Column {
                        anchors.centerIn: parent
                        width: parent.width - 16
                        spacing: 4
                        KText {
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: chip.modelData.name
                            color: chip.chosen ? Theme.onPrimary : Theme.onSecondary
                            font.pixelSize: Theme.body
                            font.bold: true
                            lineHeight: 1.0
                            wrapMode: Text.NoWrap
                        }
                        KText {
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: (chip.chosen ? "✓ " : "") + chip.modelData.count + " 件"
                            color: chip.chosen ? Theme.onPrimary : Theme.onSecondary
                            font.pixelSize: Theme.small
                            font.bold: true
                            lineHeight: 1.0
                            wrapMode: Text.NoWrap
                        }
                    }
                    MouseArea {
                        id: chipArea
                        anchors.fill: parent
                        onClicked: { search.input.focus = false; bundles.chooseCategory(chip.modelData.code) }
                    }
                }
            }
        }
    }

    ScreenColumn {
        id: page
        anchors { left: parent.left; right: parent.right; top: header.bottom; bottom: parent.bottom; topMargin: -20 }
        maxWidth: screen.landscape ? 1760 : 984
        spacing: 28

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
            // icon (the marks beside it) + two lines of name + three of description + two of the
            // count line, margins
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
                    required property bool instant
                    required property bool popular
                    required property string spoken
                    objectName: "bundle_" + bundleId
                    width: tiles.tileWidth
                    height: tiles.tileHeight       // one height for all, so the rows line up
                    radius: Theme.radius
                    color: tileArea.pressed ? Theme.surfaceAlt : Theme.surface
                    border.width: 4
                    border.color: Theme.primary
                    Accessible.role: Accessible.Button
                    Accessible.name: spoken

                    Column {
                        id: body
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 12
                        Item {      // the icon, and the marks in words beside it: their own fixed place
                            width: parent.width
                            height: 96
                            Image {
                                width: 96; height: 96
                                sourceSize: Qt.size(96, 96)
                                source: tile.icon
                            }
                            Column {
                                anchors { right: parent.right; top: parent.top }
                                spacing: 8
                                Rectangle {
                                    objectName: "instantBadge"
                                    anchors.right: parent.right
                                    visible: tile.instant
                                    width: instantLabel.implicitWidth + 28
                                    height: instantLabel.implicitHeight + 8
                                    radius: 8
                                    color: Theme.success
                                    KText {
                                        id: instantLabel
                                        anchors.centerIn: parent
                                        text: "立等可取"
                                        color: Theme.onPrimary
                                        font.pixelSize: Theme.body
                                        font.bold: true
                                        lineHeight: 1.0
                                    }
                                }
                                Rectangle {
                                    objectName: "popularBadge"
                                    anchors.right: parent.right
                                    visible: tile.popular
                                    width: popularLabel.implicitWidth + 28
                                    height: popularLabel.implicitHeight + 8
                                    radius: 8
                                    color: Theme.surface
                                    border.width: 3
                                    border.color: Theme.primary
                                    KText {
                                        id: popularLabel
                                        anchors.centerIn: parent
                                        text: "常办"
                                        color: Theme.primary
                                        font.pixelSize: Theme.small
                                        font.bold: true
                                        lineHeight: 1.0
                                    }
                                }
                            }
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
