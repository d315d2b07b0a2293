// 工作人员 home: the queue (pending, oldest, failed/rejected rows with 重试), devices and a test
// print, a resident's certificates and receipts, today's figures, the catalogue in use and export
// to a USB stick. One scrolling page of sections; 退出 at the top.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    component Section: Panel {
        id: section
        default property alias content: inner.data
        property string heading: ""
        implicitHeight: inner.implicitHeight + 56
        Column {
            id: inner
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
            spacing: 18
            KText {
                width: parent.width
                text: section.heading
                font.pixelSize: Theme.button
                font.bold: true
                color: Theme.accent
            }
        }
    }

    // A printer's or a USB stick's answer comes a moment after the press: its line keeps the room
    // of two lines from the start, so the answer arriving moves no button below it.
    KText { id: twoLines; visible: false; text: "一\n二"; font.bold: true }

    ScreenColumn {
        id: page
        anchors.fill: parent
        spacing: 28
        maxWidth: screen.landscape ? 1500 : 980

        Row {
            width: page.columnWidth
            spacing: 20
            KText {
                width: parent.width - logout.width - refresh.width - 40
                anchors.verticalCenter: parent.verticalCenter
                text: "工作人员 " + staff.loggedIn
                font.pixelSize: Theme.title
                font.bold: true
            }
            BigButton {
                id: refresh
                objectName: "staffRefreshButton"
                width: 220
                primary: false
                text: staff.refreshing ? "刷新中…" : "刷新"
                enabledLook: !staff.refreshing      // pressed again while reading: nothing to do
                onClicked: staff.refresh()
            }
            BigButton {
                id: logout
                objectName: "staffLogoutButton"
                width: 220
                text: "退出"
                onClicked: staff.logout()
            }
        }
        KText {
            width: page.columnWidth
            objectName: "refreshedText"
            text: staff.refreshing || staff.refreshedAt === "" ? "正在读取……"
                                                              : "以下是 " + staff.refreshedAt + " 的情况"
            color: Theme.textMuted
        }

        KText {
            // the platform asks for newer software (its last heartbeat): staff only, never residents
            width: page.columnWidth
            objectName: "softwareWarningText"
            visible: staff.softwareWarning !== ""
            text: "！ " + staff.softwareWarning
            color: Theme.error
            font.bold: true
        }

        // Two columns of sections stacked on their own (landscape side by side; portrait one
        // under the other): a grid of rows made each short card as tall as its neighbour.
        Grid {
            id: sections
            width: page.columnWidth
            columns: screen.landscape ? 2 : 1
            columnSpacing: 28
            rowSpacing: 28
            readonly property int cell: screen.landscape ? (width - columnSpacing) / 2 : width

          Column {
            width: sections.cell
            spacing: 28

            Section {       // 求助 → 呼叫工作人员 (kiosk.station.help_calls): first, someone is waiting
                objectName: "helpCallsSection"
                width: parent.width
                heading: staff.pendingHelpCount > 0 ? "求助呼叫：" + staff.pendingHelpCount + " 位群众在等"
                                                    : "求助呼叫"
                KText {
                    width: parent.width
                    visible: staff.helpCalls.length === 0
                    text: "✓ 最近一天没有群众呼叫工作人员"
                    color: Theme.success
                }
                Repeater {
                    model: staff.helpCalls
                    delegate: Rectangle {
                        required property var modelData
                        objectName: "helpCall_" + modelData.seq
                        width: parent.width
                        height: callColumn.implicitHeight + 32
                        radius: 12
                        color: modelData.pending ? Theme.errorSurface : Theme.surface
                        border.width: modelData.pending ? 3 : 0
                        border.color: Theme.error
                        Column {
                            id: callColumn
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 16 }
                            spacing: 10
                            KText {
                                width: parent.width
                                text: modelData.text
                                font.bold: modelData.pending
                                color: modelData.pending ? Theme.text : Theme.textMuted
                            }
                            BigButton {
                                objectName: "answerHelp_" + modelData.seq
                                visible: modelData.pending
                                width: parent.width
                                primary: false
                                text: "已处理"
                                hint: "已经到终端旁帮过这位群众"
                                onClicked: staff.answerHelpCall(modelData.seq)
                            }
                        }
                    }
                }
                KText {
                    width: parent.width
                    objectName: "helpMessage"
                    visible: staff.helpMessage !== ""
                    text: staff.helpMessage
                    font.bold: true
                }
            }

            Section {
                objectName: "queueSection"
                width: parent.width
                heading: "待发队列"
                KText {
                    width: parent.width
                    objectName: "pendingText"
                    text: staff.pendingText
                }
                KText {
                    // the station's own disk or database, or a second delivery program: never "network"
                    width: parent.width
                    objectName: "storageProblemText"
                    visible: syncStatus.storageError !== "" || syncStatus.busy !== ""
                    text: "！ " + (syncStatus.storageError !== "" ? syncStatus.storageError : syncStatus.busy)
                    color: Theme.error
                    font.bold: true
                }
                KText {
                    width: parent.width
                    visible: staff.problems.length === 0
                    text: "✓ 没有发送失败或被退回的申请"
                    color: Theme.success
                }
                Repeater {
                    model: staff.problems
                    delegate: Rectangle {
                        required property var modelData
                        width: parent.width
                        height: problemColumn.implicitHeight + 32
                        radius: 12
                        color: Theme.errorSurface
                        border.width: 3
                        border.color: Theme.error
                        Column {
                            id: problemColumn
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 16 }
                            spacing: 10
                            KText {
                                width: parent.width
                                text: "！ " + modelData.kind + " " + modelData.ref + "：" + modelData.label
                                font.bold: true
                            }
                            KText { width: parent.width; text: "原因：" + modelData.reason }
                            BigButton {
                                objectName: "retry_" + modelData.ref
                                visible: modelData.canRetry
                                width: parent.width
                                primary: false
                                text: "重试"
                                hint: "放回待发队列，联网后自动发送"
                                onClicked: staff.retry(modelData.ref)
                            }
                        }
                    }
                }
                KText {
                    width: parent.width
                    objectName: "queueMessage"
                    visible: staff.queueMessage !== ""
                    text: staff.queueMessage
                    font.bold: true
                }
            }

            Section {
                objectName: "devicesSection"
                width: parent.width
                heading: "设备"
                BigButton {
                    objectName: "testPrintButton"
                    width: parent.width
                    primary: false
                    text: "测试打印"
                    hint: "凭条打印机打印一张测试页"
                    enabledLook: staff.busy === ""
                    onClicked: staff.testPrint()
                }
                KText {     // never an empty gap: before the first test it says what will show here
                    width: parent.width
                    objectName: "testPrintText"
                    // kept: see twoLines; but only the room a usual answer takes at this width
                    // (two lines everywhere left a gap under a one-line answer)
                    height: Math.max(implicitHeight, usualAnswer.implicitHeight)
                    text: staff.testPrintMessage !== "" ? staff.testPrintMessage
                                                        : "还没有打印测试页。点上面的按钮，结果会写在这里。"
                    color: staff.testPrintMessage !== "" ? Theme.text : Theme.textMuted
                    font.bold: staff.testPrintMessage !== ""
                }
                KText {
                    id: usualAnswer
                    visible: false
                    width: parent.width
                    font.bold: true
                    text: "测试页没有打印出来（00:00:00）：打印机缺纸。请检查凭条打印机。"
                }
                // The devices' states under 测试打印 and its answer: a test page changes the printer's
                // line (缺纸, 恢复), and above the button that moved 测试打印 under the finger.
                Repeater {
                    model: staff.devices
                    delegate: KText {
                        required property var modelData
                        width: parent.width
                        text: (modelData.warn ? "！ " : "✓ ") + modelData.name + "：" + modelData.state
                              + (modelData.message !== "" ? "（" + modelData.message + "）" : "")
                              + (modelData.history !== "" ? "\n    " + modelData.history : "")
                        color: modelData.warn ? Theme.error : Theme.text
                        font.bold: modelData.warn
                    }
                }
            }

            Section {
                objectName: "residentSection"
                width: parent.width
                heading: "为群众打印证照、补打凭条"
                KText {
                    width: parent.width
                    text: "请群众把身份证放在读卡区；或输入身份证号码后点“查找”。"
                }
                KioskTextField {
                    objectName: "lookupIdField"
                    width: parent.width
                    label: "身份证号码"
                    placeholder: "18 位，用下方数字键输入"
                    keypad: "id"
                    selected: true
                    text: staff.lookupId
                    error: staff.lookupError
                    errorBelow: false       // said under 查找: here it pushed the keys down a row
                }
                NumericKeypad {
                    objectName: "lookupKeypad"
                    kind: "id"
                    width: parent.width
                    onKey: (value) => staff.lookupKey(value)
                }
                BigButton {
                    objectName: "lookupFindButton"
                    width: parent.width
                    text: "查找"
                    onClicked: staff.lookupTyped()
                }
                KText {
                    objectName: "lookupIdError"
                    width: parent.width
                    visible: staff.lookupError !== ""
                    text: "！ " + staff.lookupError
                    color: Theme.error
                    font.bold: true
                }
            }

          }

          Column {
            width: sections.cell
            spacing: 28

            Section {
                objectName: "figuresSection"
                width: parent.width
                heading: "今日统计"
                KText {
                    width: parent.width
                    visible: staff.figures.length === 0
                    text: "今天还没有人在本机办理。"
                }
                Repeater {
                    model: staff.figures
                    delegate: KText {
                        required property var modelData
                        width: parent.width
                        text: "· " + modelData.label + "：" + modelData.count + " 件"
                    }
                }
                KText {
                    width: parent.width
                    text: "好差评：" + staff.ratings.map(r => r.label + " " + r.count).join("，")
                }
                KText {
                    width: parent.width
                    objectName: "catalogueText"
                    text: staff.catalogueVersion
                    color: Theme.textMuted
                }
            }

            Section {       // 样表 on A4 for a resident who wants paper (kiosk/ui/viewmodels/guides.py)
                objectName: "sampleFormSection"
                width: parent.width
                heading: "打印填写样表（A4）"
                KText {
                    width: parent.width
                    objectName: "samplePrintText"
                    height: Math.max(implicitHeight, twoLines.implicitHeight)   // kept: see twoLines
                    text: samplePrint.message !== "" ? samplePrint.message
                                                     : "群众要纸质样表的，点一件事，打印一份填好的示例。"
                    font.bold: samplePrint.message !== ""
                }
                Flow {
                    width: parent.width
                    spacing: 16
                    Repeater {
                        model: samplePrint.bundles
                        delegate: BigButton {
                            required property var modelData
                            objectName: "printSample_" + modelData.id
                            width: (parent.width - 16) / 2
                            primary: false
                            text: modelData.name
                            enabledLook: !samplePrint.busy
                            onClicked: samplePrint.printSample(modelData.id)
                        }
                    }
                }
            }

            Section {
                objectName: "exportSection"
                width: parent.width
                heading: "导出和备份到 U 盘"
                KText {
                    width: parent.width
                    text: "网络长时间不通时，把待发的申请加密导出到 U 盘，交县级运维人员导入平台。"
                          + "备份本机：把全部数据加密存到 U 盘，本机损坏时可在新电脑上恢复。"
                }
                BigButton {
                    objectName: "findUsbButton"
                    width: parent.width
                    primary: false
                    text: "查找 U 盘"
                    onClicked: staff.findUsb()
                }
                Repeater {
                    model: staff.usbFolders
                    delegate: BigButton {
                        required property var modelData
                        required property int index
                        objectName: "exportTo_" + index
                        width: parent.width
                        text: "导出到这个 U 盘"
                        hint: modelData
                        enabledLook: staff.busy === ""
                        onClicked: staff.exportTo(modelData)
                    }
                }
                Repeater {
                    model: staff.usbFolders
                    delegate: BigButton {
                        required property var modelData
                        required property int index
                        objectName: "backupTo_" + index
                        width: parent.width
                        primary: false
                        text: "备份本机到这个 U 盘"
                        hint: modelData
                        enabledLook: staff.busy === ""
                        onClicked: staff.backupTo(modelData)
                    }
                }
                KText {     // the last line of the last card: growing, it moves nothing (no room kept)
                    width: parent.width
                    objectName: "exportText"
                    visible: staff.exportMessage !== ""
                    text: staff.exportMessage
                    font.bold: true
                }
            }
          }
        }
    }
}
