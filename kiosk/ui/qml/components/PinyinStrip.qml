// Our pinyin candidates, above the keyboard while a Chinese box is typed in: the characters for
// the syllable typed, big (≥ 48 px, ≥ 60 px in 大字, where the keyboard's own line stayed small),
// most likely first for the box (surnames, then name characters, in a name). A tap puts the
// character in place of its syllable; 换一批 shows the next ones.
import QtQuick

Rectangle {
    id: strip
    property Item input: null          // the TextInput being typed in (it has pinyinKind and put())
    readonly property int cell: Theme.large ? 96 : 80
    readonly property int syllableWidth: Theme.large ? 150 : 120     // fixed: the characters never shift
    readonly property int fits: Math.max(1, Math.floor((width - 32 - 200 - syllableWidth) / (cell + 8)))
    Binding { target: pinyin; property: "pageSize"; value: strip.fits }

    height: cell + 16
    color: Theme.surfaceAlt
    Rectangle { width: parent.width; height: 2; color: Theme.border }

    Connections {
        target: strip.input
        function onTextChanged() { pinyin.follow(strip.input.text, strip.input.pinyinKind) }
    }
    onInputChanged: if (input) pinyin.follow(input.text, input.pinyinKind)

    KText {
        anchors { left: parent.left; leftMargin: 24; verticalCenter: parent.verticalCenter }
        visible: pinyin.syllable === ""
        text: "用下面的字母拼音，在这里点选汉字"
        color: Theme.textMuted
        lineHeight: 1.0
    }
    KText {
        anchors { left: parent.left; leftMargin: 24; verticalCenter: parent.verticalCenter }
        visible: pinyin.syllable !== "" && pinyin.candidates.length === 0
        text: "没有读 " + pinyin.syllable + " 的字，请检查拼音"
        color: Theme.textMuted
        lineHeight: 1.0
    }

    KText {      // which syllable the characters are for: "gui" of "guilan"
        objectName: "pinyinSyllable"
        visible: pinyin.syllable !== ""
        anchors { left: parent.left; leftMargin: 16; verticalCenter: parent.verticalCenter }
        width: strip.syllableWidth - 16
        text: pinyin.syllable
        font.bold: true
        elide: Text.ElideRight
        wrapMode: Text.NoWrap
        lineHeight: 1.0
    }

    Row {
        id: row
        anchors { left: parent.left; leftMargin: 16 + strip.syllableWidth; verticalCenter: parent.verticalCenter }
        spacing: 8
        Repeater {
            model: pinyin.candidates
            delegate: Rectangle {
                id: candidate
                required property string modelData
                required property int index
                objectName: "pinyinCandidate_" + index
                width: strip.cell
                height: strip.cell
                radius: 12
                color: area.pressed ? Theme.primaryPressed : Theme.surface
                border.width: 3
                border.color: Theme.primary
                Accessible.role: Accessible.Button
                Accessible.name: modelData
                KText {
                    anchors.centerIn: parent
                    text: candidate.modelData
                    font.pixelSize: Theme.display
                    lineHeight: 1.0
                    color: area.pressed ? Theme.onPrimary : Theme.text
                }
                MouseArea {
                    id: area
                    anchors.fill: parent
                    onClicked: if (strip.input) strip.input.put(pinyin.choose(strip.input.text, candidate.index))
                }
            }
        }
    }
    Rectangle {
        objectName: "pinyinMore"
        visible: pinyin.more
        anchors { right: parent.right; rightMargin: 16; verticalCenter: parent.verticalCenter }
        width: moreText.implicitWidth + 40
        height: strip.cell
        radius: 12
        color: moreArea.pressed ? Theme.surfaceAlt : Theme.secondary
        border.width: 3
        border.color: Theme.primary
        KText { id: moreText; anchors.centerIn: parent; text: "换一批"; font.bold: true; lineHeight: 1.0
                color: Theme.onSecondary }
        MouseArea { id: moreArea; anchors.fill: parent; onClicked: pinyin.nextPage() }
    }
}
