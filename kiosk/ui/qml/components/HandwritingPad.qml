// 手写输入: a big pad to write one character with a finger, the candidates as big buttons (two
// fixed rows, so nothing moves under the finger as they arrive), and 删除 / 清空 / 写好了 as big keys.
// 按部件找生僻字: write the parts of a rare character (吉 吉 for 喆) and pick it from what they make.
// Recognition and every rule are kiosk/ui/viewmodels/handwriting.py's; this only draws and reports.
import QtQuick

Column {
    id: root
    property var model: handwriting              // a HandwritingViewModel
    readonly property var strokes: model.strokes
    readonly property int keyHeight: Theme.large ? 128 : 112
    signal done()

    spacing: 16
    onStrokesChanged: canvas.requestPaint()

    Row {
        width: parent.width
        spacing: 16
        KText {
            width: parent.width - rareButton.width - 16
            anchors.verticalCenter: parent.verticalCenter
            text: root.model.rareMode ? "写生僻字的部件（例如“喆”写两个“吉”）" + (root.model.parts !== ""
                      ? "，已写：" + root.model.parts : "")
                  : "请在下面的方框里写一个字"
            font.pixelSize: Theme.body
            font.bold: true
        }
        BigButton {
            id: rareButton
            objectName: "handwritingRareButton"
            width: Math.min(360, root.width * 0.4)
            primary: false
            text: root.model.rareMode ? "返回写字" : "找生僻字"
            onClicked: root.model.toggleRare()
        }
    }

    Rectangle {
        id: pad
        objectName: "handwritingPad"
        width: parent.width
        height: Math.min(width * 0.5, 460)      // with the strip and keys, 上一题 / 下一题 stay on a portrait screen
        color: Theme.surface
        radius: Theme.radius
        border.width: 4
        border.color: Theme.primary
        Accessible.role: Accessible.Canvas
        Accessible.name: "手写框"
        onWidthChanged: root.model.setSize(width, height)
        onHeightChanged: root.model.setSize(width, height)

        // The writing square's guide: a cross of faint lines, as in a 田字格 exercise book.
        Rectangle { x: parent.width / 2 - 1; y: 24; width: 2; height: parent.height - 48; color: Theme.border }
        Rectangle { x: 24; y: parent.height / 2 - 1; width: parent.width - 48; height: 2; color: Theme.border }
        KText {
            anchors.centerIn: parent
            visible: root.strokes.length === 0
            text: "用手指在这里写字"
            color: Theme.textMuted
            font.pixelSize: Theme.button
        }
        Canvas {
            id: canvas
            anchors.fill: parent
            onPaint: {
                const ctx = getContext("2d")
                ctx.clearRect(0, 0, width, height)
                ctx.strokeStyle = Theme.text
                ctx.lineWidth = Math.max(10, width / 60)
                ctx.lineCap = "round"
                ctx.lineJoin = "round"
                for (const flat of root.strokes) {
                    ctx.beginPath()
                    ctx.moveTo(flat[0] * width, flat[1] * height)
                    if (flat.length === 2)
                        ctx.lineTo(flat[0] * width + 0.5, flat[1] * height)
                    for (let i = 2; i + 1 < flat.length; i += 2)
                        ctx.lineTo(flat[i] * width, flat[i + 1] * height)
                    ctx.stroke()
                }
            }
        }
        MouseArea {
            objectName: "handwritingArea"
            anchors.fill: parent
            preventStealing: true
            onPressed: (mouse) => root.model.press(mouse.x / width, mouse.y / height)
            onPositionChanged: (mouse) => root.model.move(mouse.x / width, mouse.y / height)
            onReleased: root.model.release()
        }
    }

    KText {
        width: parent.width
        visible: root.model.error !== ""
        text: "！ " + root.model.error
        color: Theme.error
    }

    // Two fixed rows of five: a candidate keeps its place; an empty one stays an empty box.
    Grid {
        id: strip
        objectName: "handwritingCandidates"
        width: parent.width
        columns: 5
        spacing: 12
        readonly property int cell: Math.floor((width - 4 * spacing) / 5)
        Repeater {
            model: 10
            delegate: Rectangle {
                required property int index
                readonly property string character: index < root.model.candidates.length
                                                    ? root.model.candidates[index] : ""
                objectName: "candidate_" + index
                width: strip.cell
                height: root.keyHeight
                radius: 14
                color: character === "" ? Theme.background : (tapArea.pressed ? Theme.surfaceAlt : Theme.surface)
                border.width: character === "" ? 0 : 3
                border.color: index === 0 ? Theme.primary : Theme.border
                Accessible.role: Accessible.Button
                Accessible.name: character
                // Centred by its ink, not its line box: 亠 冖 艹 宀 are drawn in the top of the
                // character cell, and centred as text they sat against the box's top edge and
                // looked cut off (the walk's w128).
                KText {
                    objectName: "candidateGlyph"
                    anchors.centerIn: parent
                    anchors.verticalCenterOffset: -root.model.inkShift(text) * font.pixelSize
                    text: parent.character
                    font.pixelSize: Theme.large ? 72 : 60
                    lineHeight: 1.0
                    wrapMode: Text.NoWrap
                }
                MouseArea {
                    id: tapArea
                    anchors.fill: parent
                    enabled: parent.character !== ""
                    onClicked: root.model.choose(parent.character)
                }
            }
        }
    }

    Row {
        width: parent.width
        spacing: 16
        readonly property int third: Math.floor((width - 32) / 3)
        BigButton {
            objectName: "handwritingEraseButton"
            width: parent.third
            primary: false
            text: "删除"
            hint: "删掉最后一个字"
            onClicked: root.model.erase()
        }
        BigButton {
            objectName: "handwritingClearButton"
            width: parent.third
            primary: false
            text: "清空"
            hint: "重新写这个字"
            onClicked: root.model.clearPad()
        }
        BigButton {
            objectName: "handwritingDoneButton"
            width: parent.third
            text: "写好了"
            onClicked: { root.model.close(); root.done() }
        }
    }
}
