/*
 * cradle-emu.h: what the handheld emulator (cradle-emu.c) and its test
 * host (cradle-emu-host.c) share: a serial line in raw mode that sends
 * and receives cradle messages, and can throttle to a baud rate, stop
 * after a number of bytes, and corrupt frames on purpose.
 */
#ifndef CRADLE_EMU_H
#define CRADLE_EMU_H

#include <stdint.h>
#include <time.h>

#include "cradle.h"

/* Ways to spoil an outgoing frame; --corrupt takes their names. */
enum emu_corrupt {
	EMU_BITFLIP,	/* one bit of the encoded frame */
	EMU_TRUNCATE,	/* cut inside, then the delimiter */
	EMU_LENGTH,	/* an absurd length field under a good CRC */
	EMU_LONG,	/* a run of 6000 bytes with no delimiter */
	EMU_CRC,	/* one bit of the CRC */
	EMU_NOISE,	/* random bytes before the frame (the frame lives) */
	EMU_CORRUPT_COUNT
};

struct emu_line {
	int		 fd;
	const char	*path;
	const char	*who;		/* for messages: "device", "host" */
	int		 verbose;

	uint64_t	 out_bytes;	/* written on this line */
	uint64_t	 in_bytes;	/* fed to the decoder */
	uint64_t	 out_payload;	/* payload bytes of the frames sent */
	uint64_t	 in_payload;
	uint64_t	 out_frames, in_frames;
	uint64_t	 cut_at;	/* written; 0: never */
	uint64_t	 cut_in;	/* read; 0: never */
	double		 rate;		/* bytes per second; 0: as fast as */
	struct timespec	 start;
	uint16_t	 seq;

	unsigned int	 corrupt_kinds;	/* 1 << enum emu_corrupt */
	unsigned int	 corrupt_every;	/* one frame in n; 0: none */
	unsigned int	 corrupt_next;	/* rotates through the kinds */
	uint64_t	 corrupted[EMU_CORRUPT_COUNT];
	uint32_t	 rng;

	struct cradle_decoder dec;
	uint8_t		*in;		/* read, not yet fed */
	size_t		 in_len, in_size, in_off;
	int		 hup;		/* the other end went away */
};

/* The frame callback gets the decoded message, or NULL and why. */
typedef void (*emu_msg_cb)(const struct cradle_frame *,
    const struct cradle_msg *, const char *, void *);

/* cradle-emu-line.c */
int	 emu_line_open(struct emu_line *, const char *, int);
void	 emu_line_close(struct emu_line *);
int	 emu_line_send(struct emu_line *, const struct cradle_msg *);
int	 emu_line_pump(struct emu_line *, int, emu_msg_cb, void *);
int	 emu_corrupt_parse(const char *, unsigned int *);
const char *emu_corrupt_name(enum emu_corrupt);
uint32_t emu_rand(uint32_t *);
void	 emu_random_bytes(void *, size_t);
int64_t	 emu_now_ms(void);
void	 emu_sha256(const void *, size_t, uint8_t *);
double	 emu_elapsed(const struct emu_line *);
int	 emu_speed(int);
void	 emu_die(const char *, ...) __attribute__((format(printf, 1, 2),
	     noreturn));

#endif /* CRADLE_EMU_H */
