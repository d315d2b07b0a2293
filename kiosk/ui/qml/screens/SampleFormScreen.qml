// 样表: the bundle's questions, each with the example answer (kiosk/ui/viewmodels/guides.py,
// from the catalogue's example answers), grouped by page as the review page groups them. The
// people are made up, and the screen says so first. 看好了，返回 is pinned below the list.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        objectName: "sampleFlick"
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: footer.top }
        maxWidth: screen.landscape ? 1760 : 984
        spacing: 28

        KText {
            objectName: "sampleTitle"
            width: parent.width
            text: "填写样表：" + guides.bundleName
            font.pixelSize: Theme.title
            font.bold: true
        }
        Rectangle {
            width: parent.width
            height: noticeText.implicitHeight + 40
            radius: Theme.radius
            color: Theme.warningSurface
            border.width: 3
            border.color: Theme.focus
            KText {
                id: noticeText
                objectName: "sampleNotice"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 24 }
                text: "样表 · " + guides.sampleNotice
                font.bold: true
            }
        }
        KText {
            width: parent.width
            text: "这份样表的情形：" + guides.sampleStory
            color: Theme.textMuted
        }

        Grid {
            id: groups
            width: parent.width
            columns: screen.landscape ? 2 : 1
            spacing: 28
            Repeater {
                model: guides.samplePages
                delegate: Panel {
                    id: group
                    required property var modelData
                    width: (groups.width - (groups.columns - 1) * groups.spacing) / groups.columns
                    height: groupColumn.implicitHeight + 48
                    Column {
                        id: groupColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 18
                        KText {
                            width: parent.width
                            text: group.modelData.title
                            color: Theme.accent
                            font.pixelSize: Theme.button
                            font.bold: true
                        }
                        Repeater {
                            model: group.modelData.answers
                            delegate: Column {
                                required property var modelData
                                width: groupColumn.width
                                spacing: 2
                                KText {
                                    width: parent.width
                                    text: modelData.label
                                    color: Theme.textMuted
                                }
                                KText {
                                    objectName: "sampleAnswer"
                                    width: parent.width
                                    text: modelData.text
                                    font.bold: true
                                    wrapMode: Text.WrapAnywhere
                                }
                            }
                        }
                    }
                }
            }
        }

        Panel {
            width: parent.width
            height: endColumn.implicitHeight + 48
            Column {
                id: endColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                spacing: 12
                KText { width: parent.width; text: "办理的事项：" + guides.sampleItems }
                KText {
                    width: parent.width
                    visible: guides.sampleMaterials !== ""
                    text: "需要的材料：" + guides.sampleMaterials
                    color: Theme.textMuted
                }
                KText {
                    width: parent.width
                    text: "需要纸质样表的，请工作人员帮您打印。"
                    color: Theme.textMuted
                }
            }
        }
    }

    Rectangle {
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: doneButton.height + 48
        color: Theme.surface
        Rectangle { width: parent.width; height: 2; color: Theme.border }
        BigButton {
            id: doneButton
            objectName: "sampleDoneButton"
            anchors.centerIn: parent
            width: Math.min(parent.width - 96, screen.landscape ? 800 : 984)
            text: "看好了，返回"
            hint: "回到办理须知，可以开始填写"
            onClicked: shell.back()
        }
    }
}
