// 请核对您填写的内容: the answers grouped by page, each with a big 修改 button that opens that
// question (its 返回核对 button comes back here), then 确认无误. When this station can take nothing
// (通办): where to go first, 打印办理指引 and 回首页 right under it, the answers below.
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
            // nothing this station can take: the title says so, the where-to-go words follow at once
            text: handling.nothingHere ? "这件事要到别处办理" : "请核对您填写的内容"
            font.pixelSize: Theme.title
            font.bold: true
        }
        KText {
            width: parent.width
            visible: !handling.nothingHere
            text: form.bundleName + "。哪一项不对，点它右边的“修改”。"
            color: Theme.textMuted
        }
        HandlingNotice {        // 通办, decided again with the household answers given
            width: parent.width
            visible: handling.shown
            heading: handling.heading
            lines: handling.lines
            warn: handling.anyRefused
            note: handling.where
        }
        // Nothing here: the way out right under the where-to-go words, never below the answers.
        GuidanceButtons {
            width: parent.width
            visible: handling.nothingHere
        }
        KText {
            width: parent.width
            visible: handling.nothingHere
            text: "下面是您填写的内容。户籍或居住证填错了，点“修改”改过来，会重新判断。"
            color: Theme.textMuted
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
                                        visible: entry.modelData.error !== "" && !handling.nothingHere
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
        // Under the button it explains: above the answers it pushed every 修改 and 确认 down.
        ErrorSummary {
            objectName: "reviewErrors"
            width: parent.width
            errors: form.reviewErrorsShown && !handling.nothingHere ? form.reviewErrors : []
        }
    }
}
