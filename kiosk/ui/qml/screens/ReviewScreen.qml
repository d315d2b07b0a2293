// 请核对您填写的内容: the answers grouped by page, each with a big 修改 button that opens that
// question (its 返回核对 button comes back here), then 确认无误.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        id: page
        objectName: "reviewFlick"
        anchors.fill: parent
        maxWidth: screen.landscape ? 1760 : 984
        spacing: 28

        KText {
            width: parent.width
            text: "请核对您填写的内容"
            font.pixelSize: Theme.title
            font.bold: true
        }
        KText {
            width: parent.width
            text: form.bundleName + "。哪一项不对，点它右边的“修改”。"
            color: Theme.textMuted
        }
        HandlingNotice {        // 通办, decided again with the household answers given
            width: parent.width
            visible: handling.shown
            heading: handling.heading
            lines: handling.lines
            warn: handling.anyRefused
        }

        Grid {
            id: groups
            width: page.columnWidth
            columns: screen.landscape ? 2 : 1
            spacing: 28
            Repeater {
                model: form.review
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
                            model: group.modelData.entries
                            delegate: Item {
                                id: entry
                                required property var modelData
                                width: groupColumn.width
                                height: Math.max(change.height, texts.implicitHeight)
                                Column {
                                    id: texts
                                    anchors { left: parent.left; right: change.left; rightMargin: 20 }
                                    spacing: 2
                                    KText {
                                        width: parent.width
                                        text: entry.modelData.label
                                        color: Theme.textMuted
                                        font.pixelSize: Theme.small
                                    }
                                    KText {
                                        objectName: "answer_" + entry.modelData.fieldId
                                        width: parent.width
                                        visible: text !== ""
                                        text: entry.modelData.text
                                        font.bold: true
                                        wrapMode: Text.WrapAnywhere
                                    }
                                    KText {
                                        width: parent.width
                                        visible: entry.modelData.note !== ""
                                        text: entry.modelData.note
                                        color: Theme.textMuted
                                    }
                                    KText {
                                        width: parent.width
                                        visible: entry.modelData.error !== ""
                                        text: "！ " + entry.modelData.error
                                        color: Theme.error
                                        font.bold: true
                                    }
                                }
                                BigButton {
                                    id: change
                                    objectName: "change_" + entry.modelData.fieldId
                                    anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                                    width: Theme.large ? 200 : 170
                                    primary: false
                                    text: "修改"
                                    onClicked: form.goto(entry.modelData.fieldId)
                                }
                            }
                        }
                    }
                }
            }
        }

        BigButton {
            objectName: "reviewConfirmButton"
            // nothing left that this station can take (通办, with the answers): no 确认, 回首页
            visible: !handling.nothingHere
            width: parent.width
            text: "确认无误，下一步"
            onClicked: form.confirmReview()
        }
        BigButton {
            objectName: "reviewHomeButton"
            visible: handling.nothingHere
            width: parent.width
            text: "回首页"
            hint: "这件事请到上面写的地方办理"
            onClicked: shell.finish()
        }
        // Under the button it explains: above the answers it pushed every 修改 and 确认 down.
        ErrorSummary {
            objectName: "reviewErrors"
            width: parent.width
            errors: form.reviewErrorsShown ? form.reviewErrors : []
        }
    }
}
