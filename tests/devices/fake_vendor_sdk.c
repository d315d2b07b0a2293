/* A stand-in for vendor ID reader libraries, exporting the sdtapi and termb entry points with the
 * signatures of the vendors' headers. The test drives it through extra sim_* functions. Built by
 * tests/devices/test_idcard_sdk.py with the system C compiler. */
#include <string.h>

static unsigned char g_text[256];
static unsigned char g_photo[1024];
static int g_card = 0, g_consumed = 0, g_open = 0, g_sam = 0x90, g_port_ok = 1;
static char g_fields[16][128];
static int g_finds = 0;

int sim_find_count(void) { return g_finds; }

void sim_place(const unsigned char *text, const unsigned char *photo) {
    memcpy(g_text, text, 256); memcpy(g_photo, photo, 1024); g_card = 1; g_consumed = 0;
}
void sim_lift(void) { g_card = 0; g_consumed = 0; }
void sim_set_sam(int sw3) { g_sam = sw3; }
void sim_set_port_ok(int ok) { g_port_ok = ok; }
void sim_set_field(int index, const char *gbk) {
    strncpy(g_fields[index], gbk, 127); g_fields[index][127] = 0;
}

/* ---- sdtapi ---- */
int SDT_OpenPort(int port) { if (!g_port_ok || port < 1) return 0x01; g_open = 1; return 0x90; }
int SDT_ClosePort(int port) { (void)port; g_open = 0; return 0x90; }
int SDT_StartFindIDCard(int port, unsigned char *mana, int if_open) {
    (void)port; (void)if_open; memset(mana, 0, 4);
    g_finds++;
    if (!g_open) return 0x01;
    if (g_sam != 0x90) return g_sam;
    return (g_card && !g_consumed) ? 0x9F : 0x80;
}
int SDT_SelectIDCard(int port, unsigned char *mana, int if_open) {
    (void)port; (void)if_open; memset(mana, 0, 8);
    return (g_card && !g_consumed) ? 0x90 : 0x81;
}
int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_len, unsigned char *photo,
                    unsigned int *photo_len, int if_open) {
    (void)port; (void)if_open;
    if (!g_card) return 0x41;
    memcpy(text, g_text, 256); *text_len = 256;
    memcpy(photo, g_photo, 1024); *photo_len = 1024;
    g_consumed = 1;
    return 0x90;
}

/* ---- termb ---- */
int CVR_InitComm(int port) { if (!g_port_ok || port < 1) return 0; g_open = 1; return 1; }
int CVR_CloseComm(void) { g_open = 0; return 1; }
int CVR_Authenticate(void) { return (g_open && g_card && !g_consumed) ? 1 : 0; }
int CVR_Read_Content(int active) { (void)active; if (!g_card) return 0; g_consumed = 1; return 1; }
static int get(int i, char *buf, int *len) {
    int n = (int)strlen(g_fields[i]);
    if (n >= *len) n = *len - 1;
    memcpy(buf, g_fields[i], n); buf[n] = 0; *len = n; return 1;
}
int GetPeopleName(char *b, int *l) { return get(0, b, l); }
int GetPeopleSex(char *b, int *l) { return get(1, b, l); }
int GetPeopleNation(char *b, int *l) { return get(2, b, l); }
int GetPeopleBirthday(char *b, int *l) { return get(3, b, l); }
int GetPeopleAddress(char *b, int *l) { return get(4, b, l); }
int GetPeopleIDCode(char *b, int *l) { return get(5, b, l); }
int GetDepartment(char *b, int *l) { return get(6, b, l); }
int GetStartDate(char *b, int *l) { return get(7, b, l); }
int GetEndDate(char *b, int *l) { return get(8, b, l); }

/* ---- libwlt2bmp ---- a stand-in "decoder" that fills the 102x126x3 BGR buffer from the input */
int unpack(char *wlt, char *out, int flag) {
    int i;
    if (flag != 602) return -1;
    for (i = 0; i < 38862; i++) out[i] = wlt[i % 1024];
    return 1;
}
