/*
 * server.c: the Unix socket consoles and the CLI connect to.  Who they
 * are comes from the socket's peer credentials (SO_PEERCRED), never
 * from anything they say.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "citygridd.h"

static struct evconnlistener	*listener;
static char			*socket_path;

/* The user name of a uid, or its number when it has none. */
static char *
server_user_name(uid_t uid)
{
	struct passwd pw, *res;
	char buf[4096], *name;

	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	xasprintf(&name, "%u", (unsigned)uid);
	return name;
}

static void
server_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	char *user;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		log_warn("accept: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	evutil_make_socket_nonblocking(fd);
	user = server_user_name(cred.uid);
	client_create(fd, cred.uid, cred.pid, user);
	free(user);
}

static void
server_accept_error(struct evconnlistener *l, void *arg)
{
	log_warn("accept: %s", strerror(errno));
}

/* Remove a socket file left by a daemon that is gone; refuse a live one. */
static int
server_clear_stale(const struct sockaddr_un *sun, char **cause)
{
	int fd;

	if (access(sun->sun_path, F_OK) != 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0) {
		close(fd);
		xasprintf(cause, "%s: another citygridd is running", sun->sun_path);
		return -1;
	}
	close(fd);
	if (unlink(sun->sun_path) != 0) {
		xasprintf(cause, "unlink %s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
server_socket(const char *path, int mode, const char *group, char **cause)
{
	struct sockaddr_un sun;
	struct group *gr;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (server_clear_stale(&sun, cause) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		goto fail;
	if (chmod(path, mode) != 0)
		goto fail;
	if (group != NULL && *group != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			xasprintf(cause, "socket_group %s: no such group", group);
			close(fd);
			return -1;
		}
		if (chown(path, -1, gr->gr_gid) != 0)
			goto fail;
	}
	if (listen(fd, 128) != 0)
		goto fail;
	return fd;
fail:
	xasprintf(cause, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

int
server_start(const char *path, int mode, const char *group, char **cause)
{
	int fd;

	if ((fd = server_socket(path, mode, group, cause)) == -1)
		return -1;
	listener = evconnlistener_new(base, server_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (listener == NULL) {
		xasprintf(cause, "evconnlistener_new failed");
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(listener, server_accept_error);
	socket_path = xstrdup(path);
	log_info("listening on %s (mode %04o)", path, mode);
	return 0;
}

/* Stop taking connections; the ones open go on until they are done. */
void
server_drain(void)
{
	if (listener != NULL)
		evconnlistener_disable(listener);
}

void
server_stop(void)
{
	struct client *c, *next;

	TAILQ_FOREACH_SAFE(c, &clients, entry, next)
		client_close(c, "daemon stopping");
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
	}
	if (socket_path != NULL) {
		unlink(socket_path);
		free(socket_path);
		socket_path = NULL;
	}
}

size_t
server_client_count(void)
{
	struct client *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &clients, entry) {
		if (!c->dead)
			n++;
	}
	return n;
}
