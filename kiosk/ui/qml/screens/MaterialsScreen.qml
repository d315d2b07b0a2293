// 材料: every paper the application needs, what it is for, and the resident's choice for each
// (拍照上传 / 政府已有 / 以后补交 / 签署承诺). Status in words with a mark, never colour alone.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool wide: width > 1400
    readonly property int sideWidth: 520     // landscape: 下一步 and what is missing on the right
    property real footerReserve: 0           // portrait: the tallest the footer has been (it never shrinks)

    Component.onCompleted: materials.refresh()

    // Back from the camera the list opens at the paper just handled, its status (✔ 已拍照上传)
    // in view; after an early 下一步 it shows the first paper still undecided. Shown once was not
    // enough (the walk's w51/w56): the list was still being laid out (its length, the band below
    // it), so the paper ended under "下面还有内容". The line is kept and shown again while the
    // layout settles — only until the resident touches the list or the moment passes, so nothing
    // ever moves under a finger.
    property int pendingLine: -1

    Timer {
        interval: 0
        running: true
        onTriggered: screen.reveal(materials.focusIndex)
    }
    Timer {
        id: settling
        interval: 400
        onTriggered: screen.pendingLine = -1
    }

    Connections {
        target: materials
        function onShowLine(index) { screen.reveal(index) }
    }
    Connections {
        target: list
        function onContentHeightChanged() { if (screen.pendingLine >= 0) screen.showLine(screen.pendingLine) }
        function onViewHeightChanged() { if (screen.pendingLine >= 0) screen.showLine(screen.pendingLine) }
        function onDraggingChanged() { screen.pendingLine = -1 }
    }

    function reveal(index) {
        pendingLine = index
        settling.restart()
        showLine(index)
    }

    function showLine(index) {
        const card = cards.itemAt(index)
        if (!card)
            return
        const top = card.mapToItem(list.contentItem, 0, 0).y - 24
        list.contentY = Math.max(0, Math.min(top, list.contentHeight - list.viewHeight))
    }

    ScreenColumn {
        id: list
        x: 0
        y: 0
        width: screen.wide ? parent.width - screen.sideWidth : parent.width
        height: screen.wide ? parent.height : parent.height - footer.height
        maxWidth: screen.wide ? 1400 : 960
        spacing: 28
        neverShrink: true

        KText {
            width: parent.width
            text: "请处理下面每一项材料"
            font.pixelSize: Theme.title
            font.bold: true
        }
        KText {
            objectName: "materialsSummary"
            visible: !screen.wide
            width: parent.width
            text: materials.summary
            color: Theme.textMuted
        }

        // Landscape: two columns of cards, so a resident sees four papers at a time, not one
        // and a half. Each card keeps 2 buttons a row (≥ 60 px high, 24/32 px text).
        Grid {
            id: cardGrid
            width: parent.width
            columns: screen.wide ? 2 : 1
            spacing: 28
            readonly property real cardWidth: (width - (columns - 1) * spacing) / columns

        Repeater {
            id: cards
            // By count, each card reading its line: a choice changes the line, not the number of
            // cards, so the cards stay (given the list itself, the Repeater made every card anew at
            // each choice; the list shrank for a moment and came back scrolled — under the finger).
            model: materials.items.length
            delegate: Panel {
                id: card
                required property int index
                readonly property var modelData: materials.items[index]
                width: cardGrid.cardWidth
                height: body.implicitHeight + 56
                border.width: modelData.done ? 2 : 4
                border.color: modelData.done ? Theme.border : Theme.error

                Column {
                    id: body
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
                    spacing: 12

                    // The facts beside the 样例 photo (这样拍, a fixed box: its arrival moves nothing).
                    Item {
                        width: parent.width
                        height: Math.max(facts.implicitHeight, example.height)
                    ExamplePhoto {
                        id: example
                        anchors.right: parent.right
                        source: guides.photos[card.modelData.id] || ""
                        pending: guides.photosPending
                        name: card.modelData.name
                    }
                    Column {
                        id: facts
                        width: parent.width - example.width - 20
                        spacing: 12

                    KText {
                        width: parent.width
                        text: card.modelData.name
                        font.pixelSize: Theme.button
                        font.bold: true
                    }
                    TextMetrics {   // the chip's width from the words at today's size (大字 may
                        id: statusWidth // come on while the list shows): never from the text item
                        font: statusText.font   // itself, whose width the chip sets
                        text: statusText.text
                    }
                    Rectangle {
                        width: Math.min(statusWidth.advanceWidth + 44, facts.width)
                        height: statusText.height + 16
                        radius: 8
                        color: card.modelData.done ? Theme.successSurface : Theme.errorSurface
                        KText {
                            id: statusText
                            objectName: "status_" + card.modelData.id
                            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                            text: card.modelData.mark + " " + card.modelData.statusText
                            color: card.modelData.done ? Theme.success : Theme.error
                            font.bold: true
                            maximumLineCount: 1     // one line whatever the status: the buttons stay put
                            elide: Text.ElideRight
                        }
                    }
                    KText {
                        width: parent.width
                        text: card.modelData.why + "；" + card.modelData.pages
                        color: Theme.textMuted
                    }
                    KText {
                        width: parent.width
                        visible: card.modelData.canFetch
                        text: "政府已有：" + card.modelData.heldReason
                        color: Theme.textMuted
                    }
                    KText {
                        objectName: "due_" + card.modelData.id
                        width: parent.width
                        visible: card.modelData.canDefer     // kept when chosen: the card keeps its size
                        text: "可以以后补交：" + card.modelData.dueText
                        color: Theme.textMuted
                    }
                    KText {
                        width: parent.width
                        visible: card.modelData.note !== ""
                        text: "说明：" + card.modelData.note
                        color: Theme.textMuted
                    }
                    }
                    }

                    Grid {
                        id: choices
                        width: parent.width
                        columns: width > 1100 ? 4 : 2
                        spacing: 16
                        readonly property real cell: (width - (columns - 1) * spacing) / columns

                        BigButton {
                            objectName: "capture_" + card.modelData.id
                            width: choices.cell
                            text: "拍照上传"
                            hint: card.modelData.status === "provided" ? "已拍，可重拍" : "用摄像头拍摄"
                            primary: card.modelData.status === "provided"
                            onClicked: materials.capture(card.modelData.id)
                        }
                        BigButton {
                            objectName: "held_" + card.modelData.id
                            visible: card.modelData.canFetch
                            width: choices.cell
                            text: "政府已有"
                            hint: checked ? "✓ 已选" : "无需提交"
                            checked: card.modelData.status === "held_by_government"   // chosen: said in words, not colour alone
                            primary: checked
                            onClicked: materials.useHeld(card.modelData.id)
                        }
                        BigButton {
                            objectName: "defer_" + card.modelData.id
                            visible: card.modelData.canDefer
                            width: choices.cell
                            text: "以后补交"
                            hint: checked ? "✓ 已选" : "材料以后交"
                            checked: card.modelData.status === "deferred"   // chosen: said in words, not colour alone
                            primary: checked
                            onClicked: materials.defer(card.modelData.id)
                        }
                        BigButton {
                            objectName: "promise_" + card.modelData.id
                            visible: card.modelData.canPromise
                            width: choices.cell
                            text: "签署承诺"
                            hint: checked ? "✓ 已选" : "承诺后不用交"
                            checked: card.modelData.status === "promised"   // chosen: said in words, not colour alone
                            primary: checked
                            onClicked: materials.openPromise(card.modelData.id)
                        }
                    }
                }
            }
        }
        }
    }

    Rectangle {
        id: footer
        x: screen.wide ? parent.width - screen.sideWidth : 0
        y: screen.wide ? 0 : parent.height - height
        width: screen.wide ? screen.sideWidth : parent.width
        // Portrait: as tall as it has been on this visit. A missing paper dealt with shortens the
        // box; were the footer to shrink, the list above would grow and, scrolled to its end, jump
        // back under the finger that had just tapped 以后补交.
        height: screen.wide ? parent.height : screen.footerReserve + 48
        color: Theme.surface
        Rectangle { width: screen.wide ? 2 : parent.width; height: screen.wide ? parent.height : 2; color: Theme.border }

        Column {
            visible: screen.wide
            x: 40
            y: 48
            width: parent.width - 80
            spacing: 16
            KText { width: parent.width; text: materials.summary; font.pixelSize: Theme.button; font.bold: true }
            KText {     // only where it fits above what is missing (large text, a long list)
                width: parent.width
                visible: parent.y + y + implicitHeight + 24 < footerColumn.y
                text: "每项材料选一种办法：拍照上传；政府已有的不用交；标有“以后补交”“签署承诺”的也可以这样办。"
                color: Theme.textMuted
            }
        }

        Column {
            id: footerColumn
            width: Math.min(parent.width - (screen.wide ? 80 : 96), 960)
            x: (parent.width - width) / 2
            y: screen.wide ? parent.height - height - 48 : parent.height - height - 24
            spacing: 16
            onImplicitHeightChanged: screen.footerReserve = Math.max(screen.footerReserve, implicitHeight)
            Component.onCompleted: screen.footerReserve = Math.max(screen.footerReserve, implicitHeight)

            // A choice the rules refuse, next to what is missing: the footer grows upward, so neither
            // 下一步 nor the cards above move (at the top of the list it pushed every card down).
            KText {
                objectName: "materialsMessage"
                width: parent.width
                visible: materials.message !== ""
                text: "！ " + materials.message
                color: Theme.error
                font.bold: true
            }
            Rectangle {
                objectName: "missingBox"
                width: parent.width
                visible: materials.missing.length > 0
                height: visible ? missingColumn.implicitHeight + 32 : 0
                radius: 12
                color: Theme.errorSurface
                border.width: 4
                border.color: Theme.error
                Column {
                    id: missingColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 16 }
                    spacing: 4
                    KText {
                        width: parent.width
                        text: "！ 还有 " + materials.missing.length + " 项材料没有处理"
                        color: Theme.error
                        font.bold: true
                    }
                    Repeater {
                        id: missingLines
                        model: materials.missing.slice(0, screen.wide ? 6 : 3)
                        delegate: KText {
                            required property string modelData
                            width: missingColumn.width
                            text: "· " + modelData
                        }
                    }
                    KText {
                        width: parent.width
                        visible: materials.missing.length > missingLines.count
                        text: "· 还有 " + (materials.missing.length - missingLines.count) + " 项，请在清单中查看"
                    }
                }
            }

            BigButton {
                objectName: "materialsNext"
                width: parent.width
                text: "下一步"
                hint: materials.missing.length > 0 ? "请先处理列出的材料" : "材料都处理好了，点这里继续"
                onClicked: materials.next()
            }
        }
    }

    // 签署承诺: the text, read aloud; nothing is chosen until 我承诺.
    Rectangle {
        objectName: "promiseOverlay"
        anchors.fill: parent
        visible: materials.promiseId !== ""
        color: Theme.scrim
        MouseArea { objectName: "blocker"; anchors.fill: parent }

        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 96, 960)
            height: Math.min(parent.height - 48, promiseColumn.implicitHeight + 80)
            radius: Theme.radius
            color: Theme.surface
            border.width: 4
            border.color: Theme.primary

            Flickable {
                anchors { fill: parent; margins: 40 }
                contentHeight: promiseColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds

                Column {
                    id: promiseColumn
                    width: parent.width
                    spacing: 24
                    KText {
                        width: parent.width
                        text: "签署承诺：" + materials.promiseName
                        font.pixelSize: Theme.title
                        font.bold: true
                    }
                    KText {
                        width: parent.width
                        text: "选择告知承诺，这份材料就不用交了。请阅读承诺内容（正在为您朗读）："
                        color: Theme.textMuted
                    }
                    Rectangle {
                        width: parent.width
                        height: promiseText.implicitHeight + 48
                        radius: 12
                        color: Theme.warningSurface
                        KText {
                            id: promiseText
                            objectName: "promiseText"
                            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                            text: materials.promiseText
                            font.pixelSize: Theme.button
                        }
                    }
                    KText {
                        width: parent.width
                        text: "如果承诺不实，要承担相应的法律责任。最后签名时会再请您确认。"
                        color: Theme.textMuted
                    }
                    BigButton {
                        objectName: "promiseConfirm"
                        width: parent.width
                        text: "我承诺"
                        hint: "我已了解承诺内容，同意承诺"
                        onClicked: materials.confirmPromise()
                    }
                    Row {
                        width: parent.width
                        spacing: 16
                        BigButton {
                            width: (parent.width - 16) / 2
                            primary: false
                            text: shell.speaking ? "停止朗读" : "再听一遍"
                            onClicked: materials.readPromise()
                        }
                        BigButton {
                            objectName: "promiseCancel"
                            width: (parent.width - 16) / 2
                            primary: false
                            text: "不承诺，返回"
                            onClicked: materials.closePromise()
                        }
                    }
                }
            }
        }
    }
}
