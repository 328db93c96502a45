// Construction and printing of elastic FIFO commands.
#include "evr/fifo/fifo_cmd.h"

#include <sstream>

namespace evr {

fifo_cmd fifo_cmd::alloc(uint32_t cls) {
    fifo_cmd c;
    c.op = fifo_op::alloc;
    c.cls = cls;
    return c;
}

fifo_cmd fifo_cmd::enqueue(uint32_t queue, uint32_t buffer, uint32_t len, uint32_t tag) {
    fifo_cmd c;
    c.op = fifo_op::enqueue;
    c.queue = queue;
    c.buffer = buffer;
    c.len = len;
    c.tag = tag;
    return c;
}

fifo_cmd fifo_cmd::dequeue(uint32_t queue) {
    fifo_cmd c;
    c.op = fifo_op::dequeue;
    c.queue = queue;
    return c;
}

fifo_cmd fifo_cmd::release(uint32_t buffer) {
    fifo_cmd c;
    c.op = fifo_op::release;
    c.buffer = buffer;
    return c;
}

fifo_cmd fifo_cmd::link(uint32_t queue, uint32_t normal) {
    fifo_cmd c;
    c.op = fifo_op::link;
    c.queue = queue;
    c.buffer = normal;
    return c;
}

fifo_cmd fifo_cmd::add_free(uint32_t cls, uint32_t addr) {
    fifo_cmd c;
    c.op = fifo_op::add_free;
    c.cls = cls;
    c.addr = addr;
    return c;
}

fifo_cmd fifo_cmd::remove_free(uint32_t cls) {
    fifo_cmd c;
    c.op = fifo_op::remove_free;
    c.cls = cls;
    return c;
}

fifo_cmd fifo_cmd::pick() {
    fifo_cmd c;
    c.op = fifo_op::pick;
    return c;
}

fifo_cmd fifo_cmd::mask(uint32_t connection, bool masked) {
    fifo_cmd c;
    c.op = fifo_op::mask;
    c.connection = connection;
    c.masked = masked;
    return c;
}

fifo_cmd fifo_cmd::status(uint32_t queue) {
    fifo_cmd c;
    c.op = fifo_op::status;
    c.queue = queue;
    return c;
}

const char* to_string(fifo_op op) {
    switch (op) {
    case fifo_op::alloc:
        return "ALLOC";
    case fifo_op::enqueue:
        return "ENQUEUE";
    case fifo_op::dequeue:
        return "DEQUEUE";
    case fifo_op::release:
        return "RELEASE";
    case fifo_op::link:
        return "LINK";
    case fifo_op::add_free:
        return "ADD_FREE";
    case fifo_op::remove_free:
        return "REMOVE_FREE";
    case fifo_op::pick:
        return "PICK";
    case fifo_op::mask:
        return "MASK";
    case fifo_op::status:
        return "STATUS";
    }
    return "BAD_OP";
}

const char* to_string(fifo_result result) {
    switch (result) {
    case fifo_result::ok:
        return "OK";
    case fifo_result::empty:
        return "EMPTY";
    case fifo_result::error:
        return "ERROR";
    }
    return "BAD_RESULT";
}

const char* to_string(fifo_error error) {
    switch (error) {
    case fifo_error::none:
        return "no error";
    case fifo_error::bad_op:
        return "not a FIFO command";
    case fifo_error::queue_out_of_range:
        return "queue index out of range";
    case fifo_error::queue_is_free_pool:
        return "queue is a free pool";
    case fifo_error::class_out_of_range:
        return "size class out of range";
    case fifo_error::connection_out_of_range:
        return "connection out of range";
    case fifo_error::buffer_out_of_range:
        return "buffer index out of range";
    case fifo_error::buffer_is_spare:
        return "buffer is spare (bound to no SRAM)";
    case fifo_error::buffer_is_free:
        return "buffer is on its free pool";
    case fifo_error::buffer_is_queued:
        return "buffer is on a queue";
    case fifo_error::buffer_is_linked:
        return "buffer was released by its holder and lives only through indirect buffers";
    case fifo_error::buffer_not_normal:
        return "buffer is an indirect buffer, not a normal buffer";
    }
    return "unknown error";
}

namespace {

void print_operands(std::ostream& os, const fifo_cmd& c) {
    switch (c.op) {
    case fifo_op::alloc:
    case fifo_op::remove_free:
        os << " class=" << c.cls;
        break;
    case fifo_op::enqueue:
        os << " q=" << c.queue << " b=" << c.buffer << " len=" << c.len << " tag=" << c.tag;
        break;
    case fifo_op::dequeue:
    case fifo_op::status:
        os << " q=" << c.queue;
        break;
    case fifo_op::release:
        os << " b=" << c.buffer;
        break;
    case fifo_op::link:
        os << " q=" << c.queue << " n=" << c.buffer;
        break;
    case fifo_op::add_free:
        os << " class=" << c.cls << " addr=0x" << std::hex << c.addr << std::dec;
        break;
    case fifo_op::pick:
        break;
    case fifo_op::mask:
        os << " k=" << c.connection << " masked=" << c.masked;
        break;
    default:
        os << "(" << static_cast<unsigned>(c.op) << ")";
        break;
    }
}

} // namespace

std::string to_string(const fifo_rsp& r) {
    std::ostringstream os;
    os << to_string(r.result);
    if (r.result == fifo_result::error) {
        os << " (" << to_string(r.error) << ")";
        return os.str();
    }
    // Every field, so two responses that differ anywhere print differently.
    os << " b=" << r.buffer << " indirect=" << r.is_indirect << " n=" << r.normal
       << " len=" << r.len << " tag=" << r.tag << " use=" << r.use << " freed=" << r.freed
       << " addr=0x" << std::hex << r.addr << std::dec << " k=" << r.connection
       << " count=" << r.count << " hw=" << r.high_water;
    return os.str();
}

std::string to_string(const fifo_cmd& c) {
    std::ostringstream os;
    os << to_string(c.op);
    print_operands(os, c);
    const fifo_rsp& r = c.rsp;
    os << " -> " << to_string(r.result);
    if (r.result == fifo_result::error) {
        os << " (" << to_string(r.error) << ")";
        return os.str();
    }
    if (r.result != fifo_result::ok)
        return os.str();
    // Only the results this op produces, to keep mismatch messages readable.
    switch (c.op) {
    case fifo_op::alloc:
    case fifo_op::link:
    case fifo_op::add_free:
        os << " b=" << r.buffer;
        break;
    case fifo_op::dequeue:
        os << " b=" << r.buffer << (r.is_indirect ? " indirect" : "") << " n=" << r.normal
           << " len=" << r.len << " tag=" << r.tag << " use=" << r.use << " addr=0x" << std::hex
           << r.addr << std::dec;
        break;
    case fifo_op::release:
        os << " n=" << r.normal << " freed=" << r.freed;
        break;
    case fifo_op::remove_free:
        os << " b=" << r.buffer << " addr=0x" << std::hex << r.addr << std::dec;
        break;
    case fifo_op::pick:
        os << " k=" << r.connection;
        break;
    case fifo_op::status:
        os << " count=" << r.count << " hw=" << r.high_water;
        break;
    default:
        break;
    }
    return os.str();
}

} // namespace evr
