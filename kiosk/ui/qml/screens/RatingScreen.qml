// 好差评: five big choices in words (a face is drawn too, never the only cue); on the two lowest,
// reasons are asked; then thanks and the end of the session.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        anchors.fill: parent
        centred: false          // reasons come and go: a centred page would move every button
        spacing: screen.landscape ? 16 : 24
        maxWidth: screen.landscape ? 1600 : 960

        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            visible: rating.state !== "thanked"
            text: "请为本次服务评价"
            font.pixelSize: Theme.title
            font.bold: true
        }

        // Landscape: the five choices on the left, reasons and 提交评价 on the right, so nothing
        // the resident needs after choosing lies below the fold.
        Grid {
            id: choosing
            width: parent.width
            visible: rating.state !== "thanked"
            columns: screen.landscape ? 2 : 1
            columnSpacing: 48
            rowSpacing: 24
            readonly property real colWidth: screen.landscape ? (width - columnSpacing) / 2 : width

        Column {
            width: choosing.colWidth
            spacing: screen.landscape ? 16 : 24
        Repeater {
            model: rating.state !== "thanked" ? rating.levels : []
            delegate: Rectangle {
                id: option
                required property var modelData
                readonly property bool chosen: rating.score === modelData.score
                objectName: "rate" + modelData.score
                width: parent ? parent.width : 0
                height: Theme.buttonHeight
                radius: Theme.radius
                color: chosen ? Theme.primary : Theme.surface
                border.width: 4
                border.color: Theme.primary
                Accessible.role: Accessible.Button
                Accessible.name: modelData.label

                Row {
                    anchors.centerIn: parent
                    spacing: 28
                    // Five faces that differ at a glance, not only by a mouth's bend: each its own
                    // colour (Theme.rating5 … rating1), eyes and mouth — 5 laughs (eyes closed in
                    // a smile, mouth open), 4 smiles, 3 a straight mouth, 2 frowns under worried brows, 1
                    // frowns deeply under cross brows. On a chosen (blue) row the face sits on a white disc, so
                    // it keeps its colour; the word beside it is the cue that always counts.
                    Canvas {
                        id: face
                        width: 84; height: 84
                        anchors.verticalCenter: parent.verticalCenter
                        property color ink: Theme["rating" + option.modelData.score]
                        property bool chosen: option.chosen
                        onChosenChanged: requestPaint()
                        onPaint: {
                            var c = getContext("2d")
                            var s = option.modelData.score
                            c.reset()
                            c.lineCap = "round"
                            c.lineWidth = 6
                            c.strokeStyle = ink
                            c.fillStyle = "#FFFFFF"
                            c.beginPath(); c.arc(42, 42, 38, 0, 2 * Math.PI); c.fill(); c.stroke()
                            c.fillStyle = ink
                            if (s === 5) {          // laughing eyes: two arcs bent upwards
                                c.beginPath(); c.arc(29, 36, 7, Math.PI, 2 * Math.PI); c.stroke()
                                c.beginPath(); c.arc(55, 36, 7, Math.PI, 2 * Math.PI); c.stroke()
                            } else {
                                c.beginPath(); c.arc(29, 34, 5, 0, 2 * Math.PI); c.fill()
                                c.beginPath(); c.arc(55, 34, 5, 0, 2 * Math.PI); c.fill()
                            }
                            if (s === 1) {          // cross brows, slanting down to the middle
                                c.beginPath(); c.moveTo(20, 20); c.lineTo(36, 26); c.stroke()
                                c.beginPath(); c.moveTo(64, 20); c.lineTo(48, 26); c.stroke()
                            } else if (s === 2) {   // worried brows, raised in the middle
                                c.beginPath(); c.moveTo(21, 25); c.lineTo(35, 20); c.stroke()
                                c.beginPath(); c.moveTo(63, 25); c.lineTo(49, 20); c.stroke()
                            }
                            c.beginPath()
                            if (s === 5) {          // a wide open laugh, filled
                                c.moveTo(22, 50); c.quadraticCurveTo(42, 78, 62, 50); c.closePath(); c.fill()
                            } else if (s === 4) {   // a smile
                                c.moveTo(26, 52); c.quadraticCurveTo(42, 66, 58, 52); c.stroke()
                            } else if (s === 3) {   // straight
                                c.moveTo(28, 58); c.lineTo(56, 58); c.stroke()
                            } else if (s === 2) {   // a frown
                                c.moveTo(28, 62); c.quadraticCurveTo(42, 52, 56, 62); c.stroke()
                            } else {                // a deep frown
                                c.moveTo(24, 66); c.quadraticCurveTo(42, 44, 60, 66); c.stroke()
                            }
                        }
                    }
                    KText {
                        anchors.verticalCenter: parent.verticalCenter
                        text: (option.chosen ? "✓ " : "") + option.modelData.label
                        color: option.chosen ? Theme.onPrimary : Theme["rating" + option.modelData.score]
                        font.pixelSize: Theme.title
                        font.bold: true
                        lineHeight: 1.0
                    }
                }
                MouseArea { anchors.fill: parent; onClicked: rating.choose(option.modelData.score) }
            }
        }

        }

        Column {
            width: choosing.colWidth
            spacing: 24
        BigButton {
            objectName: "submitRatingButton"
            width: parent.width
            visible: rating.state === "choosing"
            text: "提交评价"
            onClicked: rating.submit()
        }
        BigButton {
            objectName: "skipRatingButton"
            width: parent.width
            visible: rating.state === "choosing"
            primary: false
            text: "不评价，结束办理"
            onClicked: rating.done()
        }
        // Reasons (on the two lowest) and any problem come under the buttons: appearing, they move
        // nothing (above them they pushed 提交评价 down, and the whole page re-centred).
        Column {
            width: parent.width
            spacing: 16
            visible: rating.needsReason && rating.state !== "thanked"
            KText { width: parent.width; text: "哪里不满意？可多选，选好后点上面的“提交评价”"; font.pixelSize: Theme.button; font.bold: true }
            Flow {
                width: parent.width
                spacing: 16
                Repeater {
                    model: rating.reasonChoices
                    delegate: Rectangle {
                        id: chip
                        required property string modelData
                        readonly property bool picked: rating.reasons.indexOf(modelData) >= 0
                        objectName: "reason_" + modelData
                        width: chipText.implicitWidth + chipMark.width + 64    // ✓ or not, the same width
                        height: 88
                        radius: 44
                        color: picked ? Theme.primary : Theme.surface
                        border.width: 3
                        border.color: Theme.primary
                        Row {
                            anchors.centerIn: parent
                            spacing: 8
                            KText {
                                id: chipMark
                                width: Theme.body
                                text: chip.picked ? "✓" : ""
                                color: Theme.onPrimary
                                lineHeight: 1.0
                            }
                            KText {
                                id: chipText
                                text: chip.modelData
                                color: chip.picked ? Theme.onPrimary : Theme.onSecondary
                                lineHeight: 1.0
                            }
                        }
                        MouseArea { anchors.fill: parent; onClicked: rating.toggleReason(chip.modelData) }
                    }
                }
            }
        }

        KText {
            width: parent.width
            visible: rating.error !== ""
            text: "！ " + rating.error
            color: Theme.error
            font.bold: true
        }

        }
        }

        KText {
            width: parent.width
            visible: rating.state === "thanked"
            horizontalAlignment: Text.AlignHCenter
            text: "谢谢您的评价！"
            font.pixelSize: Theme.display
            font.bold: true
        }
        KText {
            width: parent.width
            visible: rating.state === "thanked"
            horizontalAlignment: Text.AlignHCenter
            text: "请带好身份证和凭条。本次填写的信息会从屏幕上清除。"
        }
        BigButton {
            objectName: "finishButton"
            width: parent.width
            visible: rating.state === "thanked"
            text: "完成"
            onClicked: rating.done()
        }
    }
}
