// One question per page: where we are ("第 3 题" and a bar of every question), the question in big words, the input
// that fits its type (kiosk/ui/qml/fields/), the error in words, and 上一题 / 下一题.
// Portrait: one column. Landscape: question and buttons on the left, the input on the right.
import QtQuick
import "../components"

Item {
    id: screen
    objectName: "questionScreen"
    readonly property bool landscape: width > height
    readonly property int margin: 48
    readonly property int colWidth: landscape ? Math.min(820, (width - 3 * margin) / 2)
                                              : Math.min(width - 2 * margin, 984)
    readonly property int x0: (width - (landscape ? 2 * colWidth + margin : colWidth)) / 2

    // Where the content ends. Longer than the screen (the handwriting pad open, 大字, landscape):
    // the "下面还有内容" band takes the bottom, so 上一题 / 下一题 are never cut off unannounced
    // under the status bar (the walk's w128).
    readonly property real contentEnd: Math.max(head.y + head.height, input.y + input.height,
                                                actions.y + actions.height) + 64
    readonly property bool overflowing: contentEnd > screen.height

    Flickable {
        id: flick
        objectName: "questionFlick"
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: screen.height - (screen.overflowing ? cue.height : 0)
        clip: true
        contentWidth: width
        contentHeight: Math.max(height, screen.contentEnd)
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: head
            x: screen.x0
            y: 36
            width: screen.colWidth
            spacing: 16
            KText {
                objectName: "questionPosition"
                width: parent.width
                text: form.position + (form.pageTitle ? " · " + form.pageTitle : "")
                color: Theme.textMuted
            }
            // One segment per question of the form, asked or not: the bar never resizes when an
            // answer brings in or drops a question; one the answers leave out is a faint dash.
            Row {
                id: progress
                objectName: "questionProgress"
                width: parent.width
                spacing: 8
                readonly property int n: Math.max(1, form.segments.length)
                Repeater {
                    model: form.segments
                    delegate: Item {
                        required property string modelData
                        width: (head.width - (progress.n - 1) * 8) / progress.n
                        height: 18
                        Rectangle {
                            anchors.verticalCenter: parent.verticalCenter
                            width: parent.width
                            height: parent.modelData === "skipped" ? 4 : (parent.modelData === "current" ? 18 : 14)
                            radius: height / 2
                            color: parent.modelData === "skipped" ? Theme.border
                                   : parent.modelData === "todo" ? Theme.surface
                                   : parent.modelData === "current" ? Theme.focus : Theme.primary
                            border.width: parent.modelData === "skipped" ? 0 : 2
                            border.color: parent.modelData === "current" ? Theme.focus : Theme.primary
                        }
                    }
                }
            }
            KText {
                objectName: "questionLabel"
                width: parent.width
                text: form.label + (form.required ? "" : "（选填）")
                font.pixelSize: Theme.title
                font.bold: true
            }
            KText {
                width: parent.width
                visible: form.help !== ""
                text: form.help
                color: Theme.textMuted
            }
        }

        Item {
            id: input
            x: screen.landscape ? screen.x0 + screen.colWidth + screen.margin : screen.x0
            y: screen.landscape ? 36 : head.y + head.height + 28
            width: screen.colWidth
            height: prefilledPanel.visible ? prefilledPanel.height : widgetLoader.height

            Panel {
                id: prefilledPanel
                objectName: "prefilledPanel"
                visible: form.prefilled
                width: parent.width
                height: prefilledColumn.implicitHeight + 56
                color: Theme.surfaceAlt
                Column {
                    id: prefilledColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
                    spacing: 20
                    KText {
                        width: parent.width
                        text: form.prefillSource + "，请核对："
                        color: Theme.textMuted
                    }
                    KText {
                        objectName: "prefilledValue"
                        width: parent.width
                        text: form.prefilled ? form.valueText : ""
                        font.pixelSize: Theme.title
                        font.bold: true
                        wrapMode: Text.WrapAnywhere
                    }
                    BigButton {
                        objectName: "confirmPrefilledButton"
                        width: parent.width
                        text: "正确，下一题"
                        onClicked: form.confirmPrefilled()
                    }
                    BigButton {
                        objectName: "editPrefilledButton"
                        width: parent.width
                        primary: false
                        text: "不对，修改"
                        onClicked: form.editPrefilled()
                    }
                }
            }

            Loader {
                id: widgetLoader
                objectName: "answerLoader"
                active: !form.prefilled && form.widget !== ""
                visible: active
                width: parent.width
                height: item ? item.implicitHeight : 0
                source: form.widget !== "" ? "../fields/" + form.widget + ".qml" : ""
                onLoaded: item.width = Qt.binding(() => widgetLoader.width)
            }
        }

        Column {
            id: actions
            x: screen.x0
            y: screen.landscape ? head.y + head.height + 36 : input.y + input.height + 28
            width: screen.colWidth
            spacing: 20

            Row {
                width: parent.width
                spacing: 20
                BigButton {     // under a prefilled answer too: 上一题 is always at hand
                    objectName: "previousButton"
                    visible: form.number > 1
                    width: form.prefilled ? parent.width : (parent.width - parent.spacing) * 0.4
                    primary: false
                    text: "上一题"
                    onClicked: form.previous()
                }
                BigButton {
                    objectName: "nextButton"
                    visible: !form.prefilled && form.nextShown
                    width: form.number > 1 ? (parent.width - parent.spacing) * 0.6 : parent.width
                    text: form.isLast && !form.fromReview ? "填好了" : "下一题"
                    onClicked: form.next()
                }
            }
            BigButton {
                objectName: "backToReviewButton"
                visible: form.fromReview
                width: parent.width
                primary: false
                text: "返回核对"
                hint: "保存这一题，回到核对页"
                onClicked: form.backToReview()
            }

            // The problem in words, under the buttons: coming or going it moves nothing a finger is
            // about to press (above them it pushed 下一题 down by its own height).
            Rectangle {
                objectName: "questionError"
                visible: form.error !== ""
                width: parent.width
                height: errorRow.implicitHeight + 40
                radius: 12
                color: Theme.errorSurface
                border.width: 4
                border.color: Theme.error
                Accessible.role: Accessible.AlertMessage
                Row {
                    id: errorRow
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                    spacing: 12
                    KText { text: "！"; color: Theme.error; font.pixelSize: Theme.button; font.bold: true }
                    KText {
                        objectName: "questionErrorText"
                        width: parent.width - 60
                        text: form.error
                        color: Theme.error
                        font.bold: true
                    }
                }
            }
        }
    }

    ScrollCue {
        id: cue
        objectName: "questionScrollCue"
        flickable: flick
        contentEnd: screen.contentEnd
        visible: screen.overflowing
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
    }
}
