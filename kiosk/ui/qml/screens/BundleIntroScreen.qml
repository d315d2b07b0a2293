// 办理须知 ("what you will need"): the items this 一件事 covers with 即办 or the promised date,
// the one set of papers (those the government already holds marked so), then 开始填写.
// 开始填写 is pinned below the list in every mode: however long the list (large text), the way
// on is always on screen, never under the scroll cue.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    component TimeBox: Rectangle {          // 预计……前全部办结
        height: timeText.implicitHeight + 40
        radius: Theme.radius
        color: Theme.successSurface
        border.width: 3
        border.color: Theme.success
        KText {
            id: timeText
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 24 }
            text: form.introTime
            color: Theme.success
            font.pixelSize: Theme.button
            font.bold: true
        }
    }

    ScreenColumn {
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: footer.top }
        maxWidth: screen.landscape ? 1600 : 984
        spacing: 28

        KText {
            objectName: "introTitle"
            width: parent.width
            text: form.bundleName
            font.pixelSize: Theme.title
            font.bold: true
        }
        KText {
            width: parent.width
            visible: !handling.settled
            text: form.introDescription
            color: Theme.textMuted
        }
        TimeBox { width: parent.width; visible: !screen.landscape && form.introTime !== "" && !handling.settled }
        HandlingNotice {        // 通办: who handles it, or where to go
            width: parent.width
            visible: handling.shown
            heading: handling.heading
            lines: handling.lines
            warn: handling.anyRefused
            note: handling.settled ? handling.where : handling.note
        }
        // Nothing here whatever the answers (forms.handling.settled_nothing_here): no question is
        // asked; the slip and the way home right under the words.
        GuidanceButtons {
            width: parent.width
            visible: handling.settled
        }

        // 样表 and 看视频 (kiosk/ui/viewmodels/guides.py): how it is filled in, what to bring.
        Row {
            visible: !handling.settled
            width: parent.width
            spacing: 28
            BigButton {
                objectName: "sampleFormButton"
                width: (parent.width - parent.spacing) / 2
                primary: false
                text: "看样表"
                hint: "填好的示例，照着填"
                onClicked: guides.openSample()
            }
            BigButton {
                objectName: "guideButton"
                width: (parent.width - parent.spacing) / 2
                primary: false
                text: "看视频"
                hint: "带什么、怎么办"
                onClicked: guides.openGuide()
            }
        }

        Grid {
            visible: !handling.settled
            width: parent.width
            columns: screen.landscape ? 2 : 1
            spacing: 28
            readonly property int colWidth: screen.landscape ? (width - spacing) / 2 : width

            Panel {
                width: parent.colWidth
                height: itemsColumn.implicitHeight + 48
                Column {
                    id: itemsColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                    spacing: 16
                    KText {
                        objectName: "introHeading"
                        width: parent.width
                        text: form.introHeading
                        font.pixelSize: Theme.button
                        font.bold: true
                    }
                    KText {
                        width: parent.width
                        visible: form.introNote !== ""
                        text: form.introNote
                        color: Theme.textMuted
                    }
                    Repeater {
                        model: form.introItems
                        delegate: Column {
                            required property var modelData
                            required property int index
                            width: itemsColumn.width
                            spacing: 2
                            KText {
                                width: parent.width
                                text: (index + 1) + ". " + modelData.name
                                font.bold: true
                            }
                            KText {
                                width: parent.width
                                leftPadding: 36
                                text: modelData.when
                                color: Theme.textMuted
                                font.pixelSize: Theme.small
                            }
                        }
                    }
                }
            }

            Panel {
                width: parent.colWidth
                height: matColumn.implicitHeight + 48
                Column {
                    id: matColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                    spacing: 16
                    KText {
                        width: parent.width
                        text: form.introMaterialsHeading
                        font.pixelSize: Theme.button
                        font.bold: true
                    }
                    Repeater {
                        model: form.introMaterials
                        delegate: Column {
                            required property var modelData
                            width: matColumn.width
                            spacing: 2
                            KText {
                                width: parent.width
                                text: (modelData.held ? "✓ " : "· ") + modelData.name
                                font.bold: true
                            }
                            KText {
                                width: parent.width
                                leftPadding: 36
                                text: modelData.status
                                color: modelData.held ? Theme.success : Theme.textMuted
                                font.pixelSize: Theme.small
                            }
                        }
                    }
                    KText {
                        width: parent.width
                        visible: form.introMaterials.length === 0
                        text: form.introNoMaterials
                    }
                }
            }
        }
    }

    // Landscape: the date beside the button, so the lists get the height.
    Rectangle {
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        visible: !handling.settled
        height: visible ? footerRow.height + 48 : 0
        color: Theme.surface
        Rectangle { width: parent.width; height: 2; color: Theme.border }
        Row {
            id: footerRow
            anchors.centerIn: parent
            width: Math.min(parent.width - 96, screen.landscape ? 1600 : 984)
            height: Math.max(startButton.height, landscapeTime.height)
            spacing: 28
            TimeBox {
                id: landscapeTime
                visible: screen.landscape
                width: visible ? parent.width - startButton.width - parent.spacing : 0
                anchors.verticalCenter: parent.verticalCenter
            }
            BigButton {
                id: startButton
                objectName: "startFormButton"
                anchors.verticalCenter: parent.verticalCenter
                width: screen.landscape ? Math.min(640, parent.width / 2) : parent.width
                text: "开始填写"
                hint: "一页一个问题，随时可以返回修改"
                onClicked: form.start()
            }
        }
    }
}
