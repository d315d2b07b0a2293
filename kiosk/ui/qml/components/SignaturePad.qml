// A big finger-signature pad. It only reports finger positions (as shares of the pad) to the
// signature view-model and draws the strokes the view-model holds; the PNG is made in Python.
import QtQuick

Rectangle {
    id: root
    property var model: signature          // a SignatureViewModel
    readonly property var strokes: model.strokes
    color: Theme.surface
    radius: Theme.radius
    border.width: 4
    border.color: Theme.primary
    Accessible.role: Accessible.Canvas
    Accessible.name: "签名框"

    onWidthChanged: if (height > 0) model.setAspect(width / height)
    onHeightChanged: if (height > 0) model.setAspect(width / height)
    onStrokesChanged: canvas.requestPaint()

    // The line to write on, and a word where to sign.
    Rectangle {
        x: 48; width: parent.width - 96
        y: parent.height * 0.72; height: 3
        color: Theme.border
    }
    KText {
        anchors.centerIn: parent
        visible: root.strokes.length === 0
        text: "请用手指在这里写下您的名字"
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
            ctx.lineWidth = Math.max(8, width / 110)
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
        objectName: "signatureArea"
        anchors.fill: parent
        preventStealing: true
        onPressed: (mouse) => root.model.press(mouse.x / width, mouse.y / height)
        onPositionChanged: (mouse) => root.model.move(mouse.x / width, mouse.y / height)
    }
}
